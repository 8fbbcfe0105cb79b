import { buildConfig, ConfigOverrides, loadConfig } from '../../stacks/config';
import { configProblems } from '../support/config';
import { mergeServiceSettings, parseImageSetting, privateEgressWarning, serviceDefaults } from '../../stacks/service-settings';

const ROOT = '/project';


describe('service defaults per environment', () => {
  it.each(['local', 'dev', 'prod'])('%s is valid', (name) => {
    expect(buildConfig(name, {}, ROOT).service).toBeDefined();
  });

  it('dev and prod build service/ with Docker; local runs the nginx demo image with no build', () => {
    expect([buildConfig('dev', {}, ROOT).service.image, buildConfig('prod', {}, ROOT).service.image, buildConfig('local', {}, ROOT).service.image]).toEqual([
      { kind: 'build', contextDirectory: '/project/service', dockerfile: 'Dockerfile' },
      { kind: 'build', contextDirectory: '/project/service', dockerfile: 'Dockerfile' },
      { kind: 'registry', reference: 'nginxinc/nginx-unprivileged:stable-alpine' },
    ]);
  });

  it('the app container listens on 8080 as uid 1000, read-only, draining 20 s inside a 30 s stop', () => {
    expect(buildConfig('dev', {}, ROOT).service.container).toEqual({
      port: 8080,
      user: '1000',
      readonlyRootFilesystem: true,
      writablePaths: [],
      stopTimeoutSeconds: 30,
      shutdownTimeoutMs: 20000,
      logLevel: 'info',
    });
  });

  it('dev runs on Spot; prod keeps two on-demand tasks and splits the rest with Spot', () => {
    const dev = buildConfig('dev', {}, ROOT).service;
    const prod = buildConfig('prod', {}, ROOT).service;
    expect([dev.spot, dev.capacityProviderStrategy]).toEqual([true, undefined]);
    expect(prod.capacityProviderStrategy).toEqual([
      { capacityProvider: 'FARGATE', base: 2, weight: 1 },
      { capacityProvider: 'FARGATE_SPOT', weight: 1 },
    ]);
  });

  it('prod protects the load balancer and the repository from deletion', () => {
    const prod = buildConfig('prod', {}, ROOT).service;
    expect([prod.loadBalancer.deletionProtection, prod.repository.forceDelete]).toEqual([true, false]);
  });

  it('local tasks use public subnets because the local network has no NAT', () => {
    expect(buildConfig('local', {}, ROOT).service.taskSubnets).toBe('public');
  });
});

describe('invalid service settings', () => {
  const table: [string, ConfigOverrides, string][] = [
    ['a bad CPU/memory pair', { service: { cpu: 256, memoryMiB: 4096 } }, 'service.cpu 256 with memoryMiB 4096 is not a Fargate task size; with cpu 256 use memoryMiB 512, 1024, 2048'],
    ['HTTPS with no certificate', { service: { loadBalancer: { protocol: 'HTTPS' } } }, 'service.loadBalancer.protocol is HTTPS but no certificate is set; set CDKTF_CERTIFICATE_ARN to an ACM certificate ARN of the region'],
    [
      'Spot weights of zero',
      { service: { capacityProviderStrategy: [{ capacityProvider: 'FARGATE', weight: 0 }, { capacityProvider: 'FARGATE_SPOT', weight: 0 }] } },
      'service.capacityProviderStrategy weights are all 0 (FARGATE, FARGATE_SPOT); give at least one provider a weight above 0, e.g. FARGATE_SPOT weight 1',
    ],
    ['an unknown architecture', { service: { cpuArchitecture: 'MIPS' as never } }, 'service.cpuArchitecture "MIPS" is unknown; use X86_64 or ARM64'],
    ['Spot on ARM64', { service: { cpuArchitecture: 'ARM64' } }, 'service.FARGATE_SPOT does not run ARM64 tasks; use cpuArchitecture X86_64 for Spot, or on-demand FARGATE for ARM64'],
    ['a drain deadline past the stop timeout', { service: { container: { shutdownTimeoutMs: 30000 } } }, 'service.container.shutdownTimeoutMs 30000 must be above 0 and below the stop timeout of 30000 ms'],
    ['a root user', { service: { container: { user: '0' } } }, 'service.container.user "0" is root'],
    ['ECS Exec on a read-only root', { service: { enableExecuteCommand: true } }, 'service.enableExecuteCommand needs a writable root filesystem'],
    ['a certificate with HTTP', { service: { loadBalancer: { certificateArn: 'arn:aws:acm:eu-west-1:123456789012:certificate/x' } } }, 'service.loadBalancer.certificateArn is set but protocol is HTTP'],
    ['a malformed client CIDR', { service: { loadBalancer: { ingressCidrs: ['10.0.0.0/33'] } } }, 'service.loadBalancer.ingressCidrs: "10.0.0.0/33" is not an IPv4 CIDR block'],
    ['bad health-check codes', { service: { loadBalancer: { healthCheckSuccessCodes: '2xx' } } }, 'service.loadBalancer.health-check success codes "2xx" are invalid'],
    ['a plaintext secret', { service: { secrets: { BASIC_AUTH_PASSWORD: 'hunter2' } } }, 'service.secrets.BASIC_AUTH_PASSWORD: "hunter2" is neither a Secrets Manager secret ARN nor an SSM parameter ARN; give the ARN, never the value'],
    ['maximum below minimum tasks', { service: { autoScaling: { minCapacity: 3, maxCapacity: 2 } } }, 'service.autoScaling.maxCapacity 2 is below minCapacity 3'],
    ['an unknown log level', { service: { container: { logLevel: 'verbose' } } }, 'service.container.logLevel "verbose" is not a log level'],
    ['a single zone for the load balancer', { network: { availabilityZones: ['eu-west-1a'] } }, "service.network.availabilityZones lists one zone; the service's load balancer needs at least two"],
  ];

  it.each(table)('%s is refused with its fix', (_name, overrides, message) => {
    expect(configProblems(() => buildConfig('dev', overrides, ROOT))).toEqual([expect.stringContaining(message)]);
  });
});

describe('service variables', () => {
  it('CDKTF_IMAGE=registry:<ref> runs a ready image', () => {
    expect(loadConfig({ CDKTF_ENV: 'dev', CDKTF_IMAGE: 'registry:public.ecr.aws/nginx/nginx:stable' }, ROOT).service.image).toEqual({
      kind: 'registry',
      reference: 'public.ecr.aws/nginx/nginx:stable',
    });
  });

  it('CDKTF_IMAGE=build builds service/ of the project', () => {
    expect(parseImageSetting('build', ROOT)).toEqual({ kind: 'build', contextDirectory: '/project/service', dockerfile: 'Dockerfile' });
  });

  it('a malformed CDKTF_IMAGE is refused with the accepted forms', () => {
    expect(configProblems(() => loadConfig({ CDKTF_ENV: 'dev', CDKTF_IMAGE: 'nginx' }, ROOT))).toEqual([
      'CDKTF_IMAGE: "nginx" is not an image source; use build or registry:<image>, e.g. registry:public.ecr.aws/nginx/nginx:stable',
    ]);
  });

  it('CDKTF_CERTIFICATE_ARN switches the load balancer to HTTPS', () => {
    const arn = 'arn:aws:acm:eu-west-1:123456789012:certificate/abc';
    expect(loadConfig({ CDKTF_ENV: 'dev', CDKTF_CERTIFICATE_ARN: arn }, ROOT).service.loadBalancer).toMatchObject({ protocol: 'HTTPS', certificateArn: arn });
  });

  it('CDKTF_ECS_EXEC=true turns ECS Exec on and the read-only root off', () => {
    const service = loadConfig({ CDKTF_ENV: 'dev', CDKTF_ECS_EXEC: 'true' }, ROOT).service;
    expect([service.enableExecuteCommand, service.container.readonlyRootFilesystem]).toEqual([true, false]);
  });

  it('CDKTF_SPOT=true in prod replaces the mixed strategy with all Spot', () => {
    const service = loadConfig({ CDKTF_ENV: 'prod', CDKTF_SPOT: 'true' }, ROOT).service;
    expect([service.spot, service.capacityProviderStrategy]).toEqual([true, undefined]);
  });

  it('a boolean variable that is not true or false is refused', () => {
    expect(configProblems(() => loadConfig({ CDKTF_ENV: 'dev', CDKTF_SPOT: 'yes' }, ROOT))).toEqual(['CDKTF_SPOT: "yes" is not a boolean; use true or false']);
  });

  it('basic auth credentials are taken as secret ARNs', () => {
    const user = 'arn:aws:ssm:eu-west-1:123456789012:parameter/app/user';
    const password = 'arn:aws:ssm:eu-west-1:123456789012:parameter/app/password';
    expect(loadConfig({ CDKTF_ENV: 'dev', CDKTF_BASIC_AUTH_USER_ARN: user, CDKTF_BASIC_AUTH_PASSWORD_ARN: password }, ROOT).service.secrets).toEqual({
      BASIC_AUTH_USER: user,
      BASIC_AUTH_PASSWORD: password,
    });
  });

  it('task size, architecture, counts, subnets and ALB options are read from their variables', () => {
    const service = loadConfig(
      {
        CDKTF_ENV: 'dev',
        CDKTF_TASK_CPU: '1024',
        CDKTF_TASK_MEMORY: '2048',
        CDKTF_CPU_ARCHITECTURE: 'ARM64',
        CDKTF_SPOT: 'false',
        CDKTF_DESIRED_COUNT: '2',
        CDKTF_MIN_TASKS: '2',
        CDKTF_MAX_TASKS: '4',
        CDKTF_TASK_SUBNETS: 'public',
        CDKTF_ALB_INTERNAL: 'true',
        CDKTF_ALB_INGRESS_CIDRS: '10.0.0.0/8, 192.168.0.0/16',
        CDKTF_HEALTH_CHECK_CODES: '200,401',
        CDKTF_LOG_LEVEL: 'debug',
      },
      ROOT,
    ).service;
    expect(service).toMatchObject({
      cpu: 1024,
      memoryMiB: 2048,
      cpuArchitecture: 'ARM64',
      spot: false,
      desiredCount: 2,
      taskSubnets: 'public',
      autoScaling: { minCapacity: 2, maxCapacity: 4 },
      loadBalancer: { internal: true, ingressCidrs: ['10.0.0.0/8', '192.168.0.0/16'], healthCheckSuccessCodes: '200,401' },
      container: { logLevel: 'debug' },
    });
  });
});

describe('merging and warnings', () => {
  it('an override of one nested setting keeps the others', () => {
    const merged = mergeServiceSettings(serviceDefaults('dev', ROOT), { loadBalancer: { internal: true } });
    expect(merged.loadBalancer).toEqual({ ...serviceDefaults('dev', ROOT).loadBalancer, internal: true });
  });

  it('warns when private tasks have neither NAT nor the endpoints to pull images', () => {
    const settings = serviceDefaults('dev', ROOT);
    expect(privateEgressWarning(settings, { availabilityZones: ['a', 'b'], natMode: 'none', interfaceEndpoints: [] })).toMatch(/cannot pull images/);
    expect(privateEgressWarning(settings, { availabilityZones: ['a', 'b'], natMode: 'none', interfaceEndpoints: ['ecr.api', 'ecr.dkr', 'logs'] })).toBeUndefined();
    expect(privateEgressWarning(settings, { availabilityZones: ['a', 'b'], natMode: 'single', interfaceEndpoints: [] })).toBeUndefined();
  });
});
