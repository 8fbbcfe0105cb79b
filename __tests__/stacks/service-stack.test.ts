import { Testing } from 'cdktf';
import { SERVICE_ENV_VARS } from '../../service/src/config';
import { buildConfig, type ConfigOverrides } from '../../stacks/settings/config';
import { ServiceStack } from '../../stacks/service-stack';
import type { ServiceOverrides } from '../../stacks/settings/service';
import { byPath, parse, ref, resources, synthesizedOnce, type SynthJson } from '../support/synth';
import { FAKE_ALARM_TOPIC, FAKE_NETWORK, fakeTable, fakeTables, serviceLikeContext } from '../support/service-fixtures';
import { forEnvironment } from '../support/certificates';

const REGISTRY_IMAGE = { kind: 'registry', reference: 'public.ecr.aws/nginx/nginx:stable' } as const;
const REGISTRY: ConfigOverrides = { service: { defaultService: { image: REGISTRY_IMAGE } } };
/** The default service with these settings, in registry mode. */
const withService = (overrides: ServiceOverrides): ConfigOverrides => ({ service: { defaultService: { image: REGISTRY_IMAGE, ...overrides } } });
const BUILD_IMAGE = () => ({ kind: 'build' as const, contextDirectory: serviceLikeContext(), dockerfile: 'Dockerfile' });
const build = (): ConfigOverrides => ({ service: { defaultService: { image: BUILD_IMAGE() } } });
const CERT = 'arn:aws:acm:eu-west-1:123456789012:certificate/abc';

function serviceStack(env: string, overrides: ConfigOverrides = REGISTRY, tables = fakeTables()): ServiceStack {
  const config = buildConfig(env, forEnvironment(env, overrides), '/project');
  return new ServiceStack(Testing.app(), 'service', { config, network: FAKE_NETWORK, tables, alarmTopicArn: FAKE_ALARM_TOPIC });
}
/** The stack's JSON text; a configuration is synthesized once per file, since the tests only read it. */
const synthServiceText = synthesizedOnce((env: string, overrides?: ConfigOverrides): string => Testing.synth(serviceStack(env, overrides)));
function synthService(env: string, overrides?: ConfigOverrides): SynthJson {
  return parse(synthServiceText(env, overrides));
}
function containerOf(json: SynthJson): { environment: { name: string; value: string }[]; secrets: unknown[]; image: string } {
  return JSON.parse(byPath(json, 'services/service/task/definition').props.container_definitions as string)[0];
}
function statements(json: SynthJson, path: string): unknown[] {
  return JSON.parse(byPath(json, path).props.policy as string).Statement;
}

describe('service container environment', () => {
  it('sets only variables the service reads, and every required one', () => {
    const names = containerOf(synthService('dev')).environment.map((v) => v.name);
    const known = SERVICE_ENV_VARS.map((v) => v.name);
    expect(names.filter((n) => !known.includes(n))).toEqual([]);
    expect(
      SERVICE_ENV_VARS.filter((v) => v.required)
        .map((v) => v.name)
        .filter((n) => !names.includes(n)),
    ).toEqual([]);
  });

  it('passes the table names, index names, region, port, log level and drain deadline', () => {
    expect(containerOf(synthService('dev')).environment).toEqual([
      { name: 'AWS_REGION', value: 'eu-west-1' },
      { name: 'BOOKMARK_RESOURCE_INDEX', value: 'byResource' },
      { name: 'BOOKMARK_TABLE', value: 't-bookmark' },
      { name: 'CATEGORY_TABLE', value: 't-category' },
      { name: 'LOG_LEVEL', value: 'info' },
      { name: 'PORT', value: '8080' },
      { name: 'RESOURCE_CATEGORY_INDEX', value: 'byCategory' },
      { name: 'RESOURCE_TABLE', value: 't-resource' },
      { name: 'SHUTDOWN_TIMEOUT_MS', value: '20000' },
    ]);
  });

  it('injects basic auth credentials as secrets by ARN, never as plain values', () => {
    const user = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:auth-AbCdEf:user::';
    const password = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:auth-AbCdEf:password::';
    const json = synthService('dev', withService({ secrets: { BASIC_AUTH_USER: user, BASIC_AUTH_PASSWORD: password } }));
    expect(containerOf(json).secrets).toEqual([
      { name: 'BASIC_AUTH_PASSWORD', valueFrom: password },
      { name: 'BASIC_AUTH_USER', valueFrom: user },
    ]);
    expect(JSON.stringify(containerOf(json).environment)).not.toContain('BASIC_AUTH');
  });
});

describe('service IAM', () => {
  it('the task role may only read the three tables and their indexes', () => {
    const t = fakeTables();
    expect(statements(synthService('dev'), 'services/service/task/task-policy')).toEqual([
      {
        Sid: 'ReadTables',
        Effect: 'Allow',
        Action: ['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:Scan'],
        Resource: [t.category.tableArn, t.resource.tableArn, ...t.resource.indexArns, t.bookmark.tableArn, ...t.bookmark.indexArns],
      },
    ]);
  });

  it('the execution role may pull from the repository and write the service logs only', () => {
    const json = synthService('dev', build());
    expect(statements(json, 'services/service/task/execution-policy')).toEqual([
      { Sid: 'EcrAuthorizationToken', Effect: 'Allow', Action: ['ecr:GetAuthorizationToken'], Resource: ['*'] },
      {
        Sid: 'EcrPullImage',
        Effect: 'Allow',
        Action: ['ecr:BatchCheckLayerAvailability', 'ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'],
        Resource: [ref(byPath(json, 'services/service/image/repository'), 'arn')],
      },
      { Sid: 'WriteLogs', Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: [`${ref(byPath(json, 'services/service/task/logs'), 'arn')}:*`] },
    ]);
  });
});

describe('image sources in the stack', () => {
  it('build mode runs the pushed image by digest', () => {
    const json = synthService('dev', build());
    expect(containerOf(json).image).toBe(
      `${ref(byPath(json, 'services/service/image/repository'), 'repository_url')}@${ref(byPath(json, 'services/service/image/push'), 'sha256_digest')}`,
    );
  });

  it('build mode builds for the task architecture from one setting', () => {
    const json = synthService('dev', { service: { defaultService: { image: BUILD_IMAGE(), cpuArchitecture: 'ARM64', spot: false } } });
    expect([
      byPath(json, 'services/service/image/build').props.platform,
      (byPath(json, 'services/service/task/definition').props.runtime_platform as { cpu_architecture: string }).cpu_architecture,
    ]).toEqual(['linux/arm64', 'ARM64']);
  });

  it('registry mode has no Docker provider and no AWS data sources', () => {
    const json = synthService('dev');
    expect(Object.keys(json.provider ?? {})).toEqual(['aws']);
    expect(json.data).toBeUndefined();
  });
});

describe('service placement', () => {
  it('puts the load balancer in the public subnets and the tasks in the private ones without public IPs', () => {
    const json = synthService('dev');
    expect(byPath(json, 'alb/load-balancer').props.subnets).toEqual(FAKE_NETWORK.publicSubnetIds);
    expect(byPath(json, 'services/service/ecs/service').props.network_configuration).toMatchObject({ subnets: FAKE_NETWORK.privateSubnetIds, assign_public_ip: false });
  });

  it('public mode puts the tasks in the public subnets with public IPs', () => {
    const json = synthService('dev', withService({ subnets: 'public' }));
    expect(byPath(json, 'services/service/ecs/service').props.network_configuration).toMatchObject({ subnets: FAKE_NETWORK.publicSubnetIds, assign_public_ip: true });
  });

  it('an internal-only service sits behind the internal load balancer in the private subnets, with no internet-facing one', () => {
    const json = synthService('dev', withService({ internal: { port: 80 }, external: null }));
    expect(byPath(json, 'internal-alb/load-balancer').props).toMatchObject({ internal: true, subnets: FAKE_NETWORK.privateSubnetIds });
    expect(resources(json, 'aws_lb').map((lb) => lb.path)).toEqual(['internal-alb/load-balancer']);
  });

  it('prod turns on load balancer deletion protection', () => {
    expect(byPath(synthService('prod'), 'alb/load-balancer').props.enable_deletion_protection).toBe(true);
  });

  it('prod logs the internet-facing load balancer to a log bucket of the stack, kept 90 days', () => {
    const json = synthService('prod');
    expect([byPath(json, 'alb/load-balancer').props.access_logs, byPath(json, 'access-logs/lifecycle').props.rule]).toEqual([
      { bucket: ref(byPath(json, 'access-logs/bucket'), 'bucket'), prefix: 'bookmarks-prod', enabled: true },
      [expect.objectContaining({ expiration: [{ days: 90 }] })],
    ]);
  });

  it('prod puts a WAF web ACL in front of the internet-facing load balancer, dev none', () => {
    const associated = (env: string) => resources(synthService(env), 'aws_wafv2_web_acl_association').map((a) => a.props.resource_arn);
    expect([associated('prod'), associated('dev')]).toEqual([[ref(byPath(synthService('prod'), 'alb/load-balancer'), 'arn')], []]);
  });

  it('dev keeps no access logs and no log bucket by default', () => {
    const json = synthService('dev');
    expect([byPath(json, 'alb/load-balancer').props.access_logs, resources(json, 'aws_s3_bucket')]).toEqual([undefined, []]);
  });
});

describe('service scaling', () => {
  it('the default service scales on CPU, memory and requests per target', () => {
    expect(
      resources(synthService('dev'), 'aws_appautoscaling_policy')
        .map((p) => p.props.name)
        .sort(),
    ).toEqual(['cpu-target-tracking', 'memory-target-tracking', 'requests-target-tracking']);
  });

  it('a default service without scaling has no Application Auto Scaling resources and a fixed count', () => {
    const json = synthService('dev', withService({ scaling: null }));
    expect([resources(json, 'aws_appautoscaling_target'), resources(json, 'aws_appautoscaling_policy'), byPath(json, 'services/service/ecs/service').props.lifecycle]).toEqual([
      [],
      [],
      undefined,
    ]);
  });
});

describe('service outputs', () => {
  it('expose the URL, ALB DNS name, cluster, service and repository', () => {
    const json = synthService('dev');
    const lb = byPath(json, 'alb/load-balancer');
    expect(json.output).toMatchObject({
      service_url: { value: `http://${ref(lb, 'dns_name')}` },
      alb_dns_name: { value: ref(lb, 'dns_name') },
      cluster_name: { value: ref(byPath(json, 'cluster/ecs-cluster'), 'name') },
      service_name: { value: ref(byPath(json, 'services/service/ecs/service'), 'name') },
      ecr_repository_url: { value: ref(byPath(json, 'services/service/image/repository'), 'repository_url') },
    });
  });

  it('the URL is https when a certificate is configured', () => {
    const json = synthService('dev', withService({ external: { port: 443, certificateArn: CERT } }));
    expect(json.output?.service_url.value).toBe(`https://${ref(byPath(json, 'alb/load-balancer'), 'dns_name')}`);
  });
});

describe('service stack checks', () => {
  it.each(['local', 'dev', 'prod'])('the %s service stack passes the policy check', (env) => {
    expect(() => Testing.synth(serviceStack(env, env === 'local' ? {} : REGISTRY), true)).not.toThrow();
  });

  it('with ECS Exec on, the writable root filesystem it needs passes the policy check', () => {
    const stack = serviceStack('dev', withService({ enableExecuteCommand: true, container: { readonlyRootFilesystem: false } }));
    expect(() => Testing.synth(stack, true)).not.toThrow();
  });

  it('without ECS Exec, a writable root filesystem fails the policy check', () => {
    const stack = serviceStack('dev', withService({ container: { readonlyRootFilesystem: false } }));
    expect(() => Testing.synth(stack, true)).toThrow('ECS004');
  });

  it('refuses a resource table without the byCategory index', () => {
    const tables = { ...fakeTables(), resource: fakeTable('t-resource', ['other']) };
    expect(() => serviceStack('dev', REGISTRY, tables)).toThrow('ServiceStack: tables.resource has no index "byCategory" (it has other)');
  });
});
