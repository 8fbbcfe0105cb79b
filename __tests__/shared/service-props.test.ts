/** The mapping of a Fargate service's settings to the pattern's props, shared by the service and wordpress stacks. */
import { fargateServiceProps, type FargateServicePropsContext } from '../../stacks/shared/service-props';
import { serviceDefaults, type ServiceSettings } from '../../stacks/settings/service';
import { FAKE_NETWORK } from '../support/service-fixtures';

const SERVICE: ServiceSettings = serviceDefaults('dev', '/project').services[0];
const CONTEXT: FargateServicePropsContext = {
  region: 'eu-west-1',
  network: FAKE_NETWORK,
  logRetentionDays: 14,
  loadBalancers: { ingressCidrs: ['0.0.0.0/0'], deletionProtection: false, deregistrationDelaySeconds: 45, httpsRequired: false, accessLogDays: 0, webAcl: false },
};

describe('fargateServiceProps', () => {
  it('runs tasks in the private subnets without public IPs by default', () => {
    expect(fargateServiceProps({ ...SERVICE, subnets: 'private' }, CONTEXT).service).toMatchObject({ subnetIds: FAKE_NETWORK.privateSubnetIds, assignPublicIp: false });
  });

  it('gives tasks in the public subnets public IPs', () => {
    expect(fargateServiceProps({ ...SERVICE, subnets: 'public' }, CONTEXT).service).toMatchObject({ subnetIds: FAKE_NETWORK.publicSubnetIds, assignPublicIp: true });
  });

  it('sizes the task from the settings, with the region and log retention of the context', () => {
    expect(fargateServiceProps({ ...SERVICE, cpu: 1024, memoryMiB: 4096, cpuArchitecture: 'ARM64' }, CONTEXT).task).toEqual({
      region: 'eu-west-1',
      cpu: 1024,
      memoryMiB: 4096,
      cpuArchitecture: 'ARM64',
      logRetentionDays: 14,
      enableExecuteCommand: false,
    });
  });

  it('checks the target groups with the health check codes as success codes, draining for the load balancers delay', () => {
    expect(fargateServiceProps({ ...SERVICE, healthCheck: { path: '/', codes: '200,302' } }, CONTEXT).target).toEqual({
      healthCheck: { path: '/', successCodes: '200,302' },
      deregistrationDelaySeconds: 45,
    });
  });

  it('scales on the settings as they are', () => {
    expect(fargateServiceProps(SERVICE, CONTEXT).scaling).toEqual({ minTasks: 1, maxTasks: 3, cpuPercent: 70, memoryPercent: 80, requestsPerTarget: 1000 });
  });

  it('leaves the task count fixed without scaling settings', () => {
    expect(fargateServiceProps({ ...SERVICE, scaling: undefined }, CONTEXT).scaling).toBeUndefined();
  });
});
