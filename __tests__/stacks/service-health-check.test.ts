/** The catalog API's container carries a health check that runs in its image (node, no shell tools). */
import { Testing } from 'cdktf';
import { buildConfig, type ConfigOverrides } from '../../stacks/settings/config';
import { ServiceStack } from '../../stacks/service-stack';
import type { ServiceOverrides } from '../../stacks/settings/service';
import { nodeHealthCheck } from '../../stacks/lib/node-health-check';
import { byPath, parse } from '../support/synth';
import { FAKE_ALARM_TOPIC, FAKE_NETWORK, fakeTables } from '../support/service-fixtures';

const REGISTRY_IMAGE = { kind: 'registry', reference: 'public.ecr.aws/nginx/nginx:stable' } as const;

interface Container {
  healthCheck?: { command: string[]; interval: number; timeout: number; retries: number; startPeriod: number };
}

/** The one container of the default service, synthesized for dev with `overrides`. */
function container(overrides: ServiceOverrides = {}): Container {
  const config: ConfigOverrides = { service: { defaultService: { image: REGISTRY_IMAGE, ...overrides } } };
  const stack = new ServiceStack(Testing.app(), 'service', {
    config: buildConfig('dev', config, '/project'),
    network: FAKE_NETWORK,
    tables: fakeTables(),
    alarmTopicArn: FAKE_ALARM_TOPIC,
  });
  const json = parse(Testing.synth(stack));
  return (JSON.parse(byPath(json, 'services/service/task/definition').props.container_definitions as string) as Container[])[0];
}

describe('the catalog container health check', () => {
  it('fetches the load balancer health path on the container port, in exec form', () => {
    const expected = nodeHealthCheck({ port: 8080, path: '/health', codes: '200' });
    expect(container().healthCheck).toEqual({
      command: expected.command,
      interval: expected.intervalSeconds,
      timeout: expected.timeoutSeconds,
      retries: expected.retries,
      startPeriod: expected.startPeriodSeconds,
    });
  });

  it('follows a changed port, path and success codes', () => {
    const command = container({ containerPort: 9000, healthCheck: { path: '/ping', codes: '200,401' } }).healthCheck?.command;
    expect(command).toEqual(nodeHealthCheck({ port: 9000, path: '/ping', codes: '200,401' }).command);
  });

  it('is left out for a service that does not run the catalog API (its image may have no node)', () => {
    expect(container({ catalog: false }).healthCheck).toBeUndefined();
  });
});

describe('the local demo', () => {
  it('keeps the nginx demo image of local without the node health check (nginx has no node)', () => {
    const stack = new ServiceStack(Testing.app(), 'service', {
      config: buildConfig('local', {}, '/project'),
      network: FAKE_NETWORK,
      tables: fakeTables(),
      alarmTopicArn: FAKE_ALARM_TOPIC,
    });
    const json = parse(Testing.synth(stack));
    const [app] = JSON.parse(byPath(json, 'services/service/task/definition').props.container_definitions as string) as Container[];
    expect(app.healthCheck).toBeUndefined();
  });
});
