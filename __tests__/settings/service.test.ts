import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildConfig, type ConfigOverrides, loadConfig } from '../../stacks/settings/config';
import { configProblems } from '../support/config';
import { mergeService, parseImageSetting, privateEgressWarning, serviceDefaults, type ServiceSettings } from '../../stacks/settings/service';
import { CERTIFICATE_VARIABLES, forEnvironment, withCertificates } from '../support/certificates';

const ROOT = '/project';
const defaultService = (name: string, overrides: ConfigOverrides = {}): ServiceSettings => buildConfig(name, forEnvironment(name, overrides), ROOT).service.services[0];

describe('service defaults per environment', () => {
  it.each(['local', 'dev'])('%s is valid and lists one service, the catalog API, external on HTTP', (name) => {
    const { services } = buildConfig(name, {}, ROOT).service;
    expect(services.map((s) => [s.name, s.catalog, s.external, s.internal, s.consumes])).toEqual([['service', true, { port: 80 }, undefined, []]]);
  });

  it('prod with a certificate lists one service, the catalog API, external on HTTPS', () => {
    const { services } = buildConfig('prod', withCertificates(), ROOT).service;
    expect(services.map((s) => [s.name, s.catalog, s.external?.port, s.internal, s.consumes])).toEqual([['service', true, 443, undefined, []]]);
  });

  it('dev and prod build service/ with Docker; local runs the nginx demo image with no build', () => {
    expect([defaultService('dev').image, defaultService('prod').image, defaultService('local').image]).toEqual([
      { kind: 'build', contextDirectory: '/project/service', dockerfile: 'Dockerfile' },
      { kind: 'build', contextDirectory: '/project/service', dockerfile: 'Dockerfile' },
      { kind: 'registry', reference: 'nginxinc/nginx-unprivileged:stable-alpine' },
    ]);
  });

  it('the app container listens on 8080 as uid 1000, read-only, draining 20 s inside a 30 s stop', () => {
    const service = defaultService('dev');
    expect([service.containerPort, service.container]).toEqual([
      8080,
      { user: '1000', readonlyRootFilesystem: true, writablePaths: [], stopTimeoutSeconds: 30, shutdownTimeoutMs: 20000, logLevel: 'info' },
    ]);
  });

  it('dev runs on Spot; prod keeps two on-demand tasks and splits the rest with Spot', () => {
    const dev = defaultService('dev');
    const prod = defaultService('prod');
    expect([dev.spot, dev.capacityProviderStrategy]).toEqual([true, undefined]);
    expect(prod.capacityProviderStrategy).toEqual([
      { capacityProvider: 'FARGATE', base: 2, weight: 1 },
      { capacityProvider: 'FARGATE_SPOT', weight: 1 },
    ]);
  });

  it('every environment scales the default service on CPU, memory and requests per target', () => {
    expect(['local', 'dev', 'prod'].map((env) => defaultService(env).scaling)).toEqual([
      { minTasks: 1, maxTasks: 2, cpuPercent: 70, memoryPercent: 80, requestsPerTarget: 1000 },
      { minTasks: 1, maxTasks: 3, cpuPercent: 70, memoryPercent: 80, requestsPerTarget: 1000 },
      { minTasks: 2, maxTasks: 10, cpuPercent: 70, memoryPercent: 80, requestsPerTarget: 1000 },
    ]);
  });

  it('an environment can say "no scaling" for the default service', () => {
    expect(defaultService('dev', { service: { defaultService: { scaling: null } } }).scaling).toBeUndefined();
  });

  it('prod protects the load balancers and the repositories from deletion', () => {
    const prod = buildConfig('prod', withCertificates(), ROOT).service;
    expect([prod.loadBalancers.deletionProtection, prod.repository.forceDelete]).toEqual([true, false]);
  });

  it('local tasks use public subnets because the local network has no NAT', () => {
    expect(defaultService('local').subnets).toBe('public');
  });

  it('the private zone defaults to the project and environment, unless configured', () => {
    expect([serviceDefaults('dev', ROOT).dns.privateZoneName, loadConfig({ CDKTF_ENV: 'dev', CDKTF_PRIVATE_ZONE: 'svc.local' }, ROOT).service.dns.privateZoneName]).toEqual([
      undefined,
      'svc.local',
    ]);
  });
});

describe('invalid service settings', () => {
  const at = 'service.services[0].';
  const table: [string, ConfigOverrides, string][] = [
    [
      'a bad CPU/memory pair',
      { service: { defaultService: { cpu: 256, memoryMiB: 4096 } } },
      `${at}cpu 256 with memoryMiB 4096 is not a Fargate task size; with cpu 256 use memoryMiB 512, 1024, 2048`,
    ],
    [
      'Spot weights of zero',
      {
        service: {
          defaultService: {
            capacityProviderStrategy: [
              { capacityProvider: 'FARGATE', weight: 0 },
              { capacityProvider: 'FARGATE_SPOT', weight: 0 },
            ],
          },
        },
      },
      `${at}capacityProviderStrategy weights are all 0 (FARGATE, FARGATE_SPOT); give at least one provider a weight above 0, e.g. FARGATE_SPOT weight 1`,
    ],
    ['an unknown architecture', { service: { defaultService: { cpuArchitecture: 'MIPS' as never } } }, `${at}cpuArchitecture "MIPS" is unknown; use X86_64 or ARM64`],
    [
      'Spot on ARM64',
      { service: { defaultService: { cpuArchitecture: 'ARM64' } } },
      `${at}FARGATE_SPOT does not run ARM64 tasks; use cpuArchitecture X86_64 for Spot, or on-demand FARGATE for ARM64`,
    ],
    [
      'a drain deadline past the stop timeout',
      { service: { defaultService: { container: { shutdownTimeoutMs: 30000 } } } },
      `${at}container.shutdownTimeoutMs 30000 must be above 0 and below the stop timeout of 30000 ms`,
    ],
    ['a root user', { service: { defaultService: { container: { user: '0' } } } }, `${at}container.user "0" is root`],
    ['ECS Exec on a read-only root', { service: { defaultService: { enableExecuteCommand: true } } }, `${at}enableExecuteCommand needs a writable root filesystem`],
    [
      'a malformed certificate',
      { service: { defaultService: { external: { port: 443, certificateArn: 'my-cert' } } } },
      `${at}external.certificateArn: certificate ARN "my-cert" is not an ACM certificate ARN`,
    ],
    [
      'HTTPS on port 80',
      { service: { defaultService: { external: { port: 80, certificateArn: 'arn:aws:acm:eu-west-1:123456789012:certificate/x' } } } },
      `${at}external.port 80 with a certificate leaves no port for the HTTP redirect; use 443`,
    ],
    [
      'a malformed client CIDR',
      { service: { loadBalancers: { ingressCidrs: ['10.0.0.0/33'] } } },
      'service.loadBalancers.ingressCidrs: client CIDR "10.0.0.0/33" is not an IPv4 or IPv6 CIDR block',
    ],
    ['bad health-check codes', { service: { defaultService: { healthCheck: { codes: '2xx' } } } }, `${at}healthCheck.codes: health-check success codes "2xx" are invalid`],
    [
      'a health-check path without a slash',
      { service: { defaultService: { healthCheck: { path: 'health' } } } },
      `${at}healthCheck.path: health-check path "health" must start with "/"`,
    ],
    ['a deregistration delay out of range', { service: { loadBalancers: { deregistrationDelaySeconds: -1 } } }, 'service.loadBalancers.deregistration delay -1 s is out of range'],
    ['keeping no images', { service: { repository: { keepImages: 0 } } }, 'service.repository.keepImages 0 is out of range; keep from 1 to 1000 images'],
    [
      'a plaintext secret',
      { service: { defaultService: { secrets: { BASIC_AUTH_PASSWORD: 'hunter2' } } } },
      `${at}secrets.BASIC_AUTH_PASSWORD: "hunter2" is neither a Secrets Manager secret ARN nor an SSM parameter ARN; give the ARN, never the value`,
    ],
    ['maximum below minimum tasks', { service: { defaultService: { scaling: { minTasks: 3, maxTasks: 2 } } } }, `${at}scaling.maxTasks 2 is below minTasks 3`],
    ['an unknown log level', { service: { defaultService: { container: { logLevel: 'verbose' } } } }, `${at}container.logLevel "verbose" is not a log level`],
    ['a service exposed nowhere', { service: { defaultService: { external: null } } }, `${at}exposes nothing; give "external", "internal" or both`],
    [
      'a single zone for the load balancer',
      { network: { availabilityZones: ['eu-west-1a'] } },
      "service.network.availabilityZones lists one zone; the service's load balancer needs at least two",
    ],
    ['a private zone that is no DNS name', { service: { dns: { privateZoneName: 'svc' } } }, 'service.dns.privateZoneName: "svc" is not a DNS name'],
    ['a public record without its zone', { service: { dns: { publicRecordName: 'shop.example.com' } } }, 'service.dns: publicZoneId and publicRecordName go together'],
  ];

  it.each(table)('%s is refused with its fix', (_name, overrides, message) => {
    expect(configProblems(() => buildConfig('dev', overrides, ROOT))).toEqual([expect.stringContaining(message)]);
  });
});

describe('service variables', () => {
  it('CDKTF_IMAGE=registry:<ref> runs a ready image', () => {
    expect(loadConfig({ CDKTF_ENV: 'dev', CDKTF_IMAGE: 'registry:public.ecr.aws/nginx/nginx:stable' }, ROOT).service.services[0].image).toEqual({
      kind: 'registry',
      reference: 'public.ecr.aws/nginx/nginx:stable',
    });
  });

  it('CDKTF_IMAGE=build builds service/ of the project; build:<dir> another directory of it', () => {
    expect([parseImageSetting('build', ROOT), parseImageSetting('build:images/worker', ROOT)]).toEqual([
      { kind: 'build', contextDirectory: '/project/service', dockerfile: 'Dockerfile' },
      { kind: 'build', contextDirectory: '/project/images/worker', dockerfile: 'Dockerfile' },
    ]);
  });

  it('a malformed CDKTF_IMAGE is refused with the accepted forms', () => {
    expect(configProblems(() => loadConfig({ CDKTF_ENV: 'dev', CDKTF_IMAGE: 'nginx' }, ROOT))).toEqual([
      'CDKTF_IMAGE: "nginx" is not an image source; use build, build:<directory> or registry:<image>, e.g. registry:public.ecr.aws/nginx/nginx:stable',
    ]);
  });

  it('CDKTF_CERTIFICATE_ARN switches the external port to HTTPS on 443', () => {
    const arn = 'arn:aws:acm:eu-west-1:123456789012:certificate/abc';
    expect(loadConfig({ CDKTF_ENV: 'dev', CDKTF_CERTIFICATE_ARN: arn }, ROOT).service.services[0].external).toEqual({ port: 443, certificateArn: arn });
  });

  it('CDKTF_ALB_INTERNAL=true makes the service internal only', () => {
    const service = loadConfig({ CDKTF_ENV: 'dev', CDKTF_ALB_INTERNAL: 'true' }, ROOT).service.services[0];
    expect([service.external, service.internal]).toEqual([undefined, { port: 80 }]);
  });

  it('CDKTF_ECS_EXEC=true turns ECS Exec on and the read-only root off', () => {
    const service = loadConfig({ CDKTF_ENV: 'dev', CDKTF_ECS_EXEC: 'true' }, ROOT).service.services[0];
    expect([service.enableExecuteCommand, service.container.readonlyRootFilesystem]).toEqual([true, false]);
  });

  it('releases the default service through Terraform unless CDKTF_RELEASE=pipeline', () => {
    const release = (env: Record<string, string>) => loadConfig({ CDKTF_ENV: 'dev', ...env }, ROOT).service.services[0].release;
    expect([release({}), release({ CDKTF_RELEASE: 'pipeline' })]).toEqual(['terraform', 'pipeline']);
  });

  it('CDKTF_RELEASE that is not a release mode is refused with the modes', () => {
    expect(configProblems(() => loadConfig({ CDKTF_ENV: 'dev', CDKTF_RELEASE: 'ci' }, ROOT))).toEqual([expect.stringMatching(/^CDKTF_RELEASE: "ci" .*terraform, pipeline/)]);
  });

  it('CDKTF_SPOT=true in prod replaces the mixed strategy with all Spot', () => {
    const service = loadConfig({ CDKTF_ENV: 'prod', ...CERTIFICATE_VARIABLES, CDKTF_SPOT: 'true' }, ROOT).service.services[0];
    expect([service.spot, service.capacityProviderStrategy]).toEqual([true, undefined]);
  });

  it('a boolean variable that is not true or false is refused', () => {
    expect(configProblems(() => loadConfig({ CDKTF_ENV: 'dev', CDKTF_SPOT: 'yes' }, ROOT))).toEqual(['CDKTF_SPOT: "yes" is not a boolean; use true or false']);
  });

  it('basic auth credentials are taken as secret ARNs', () => {
    const user = 'arn:aws:ssm:eu-west-1:123456789012:parameter/app/user';
    const password = 'arn:aws:ssm:eu-west-1:123456789012:parameter/app/password';
    expect(loadConfig({ CDKTF_ENV: 'dev', CDKTF_BASIC_AUTH_USER_ARN: user, CDKTF_BASIC_AUTH_PASSWORD_ARN: password }, ROOT).service.services[0].secrets).toEqual({
      BASIC_AUTH_USER: user,
      BASIC_AUTH_PASSWORD: password,
    });
  });

  it('task size, architecture, counts, subnets and load balancer options are read from their variables', () => {
    const config = loadConfig(
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
        CDKTF_ALB_INGRESS_CIDRS: '10.0.0.0/8, 192.168.0.0/16',
        CDKTF_HEALTH_CHECK_CODES: '200,401',
        CDKTF_LOG_LEVEL: 'debug',
      },
      ROOT,
    );
    expect(config.service.services[0]).toMatchObject({
      cpu: 1024,
      memoryMiB: 2048,
      cpuArchitecture: 'ARM64',
      spot: false,
      desiredCount: 2,
      subnets: 'public',
      scaling: { minTasks: 2, maxTasks: 4 },
      healthCheck: { codes: '200,401' },
      container: { logLevel: 'debug' },
    });
    expect(config.service.loadBalancers.ingressCidrs).toEqual(['10.0.0.0/8', '192.168.0.0/16']);
  });
});

describe('merging and warnings', () => {
  it('an override of one nested setting keeps the others', () => {
    const base = serviceDefaults('dev', ROOT).services[0];
    expect(mergeService(base, { healthCheck: { codes: '200,401' } }).healthCheck).toEqual({ ...base.healthCheck, codes: '200,401' });
  });

  it('an explicit strategy turns the spot shortcut off', () => {
    const merged = mergeService(serviceDefaults('dev', ROOT).services[0], { capacityProviderStrategy: [{ capacityProvider: 'FARGATE', weight: 1 }] });
    expect([merged.spot, merged.capacityProviderStrategy]).toEqual([false, [{ capacityProvider: 'FARGATE', weight: 1 }]]);
  });

  it('warns when private tasks have neither NAT nor the endpoints to pull images', () => {
    const service = serviceDefaults('dev', ROOT).services[0];
    expect(privateEgressWarning(service, { availabilityZones: ['a', 'b'], natMode: 'none', interfaceEndpoints: [] })).toMatch(
      /"service" run in private subnets.*cannot pull images/,
    );
    expect(privateEgressWarning(service, { availabilityZones: ['a', 'b'], natMode: 'none', interfaceEndpoints: ['ecr.api', 'ecr.dkr', 'logs'] })).toBeUndefined();
    expect(privateEgressWarning(service, { availabilityZones: ['a', 'b'], natMode: 'single', interfaceEndpoints: [] })).toBeUndefined();
  });
});

describe('module structure', () => {
  it('settings/service.ts does not import config.ts, which imports it: no import circle', () => {
    const source = fs.readFileSync(path.join(__dirname, '../../stacks/settings/service.ts'), 'utf8');
    expect(source.match(/from '\.\/config'/g)).toBeNull();
  });
});
