/**
 * The `service` group: the services of the `service` stack with their load balancers, DNS and
 * repositories; the fields every load-balanced service shares (WordPress's too); the defaults of
 * each environment, the variables of the stack and of its default service, and their checks.
 * The services file (services-file.ts) reads the same fields from JSON.
 */
import * as path from 'node:path';
import { CAPACITY_PROVIDERS, type CapacityProviderShare, CPU_ARCHITECTURES, type CpuArchitecture, FARGATE_TASK_SIZES } from '../lib/fargate-rules';
import { DEFAULT_SERVICE_NAME, privateZoneName, serviceUrlVariable } from '../lib/naming';
import { SERVICE_ALARMS_SCHEMA, type ServiceAlarmOverrides } from './alarms';
import type { EnvironmentName } from './environments';
import type { NatMode as NetworkNatMode } from './network';
import type { z } from 'zod';
import { type GroupVariables, ignored, json, type SettingsContext, text, unset, value, variable } from './spec';
import { keepImagesProblem } from '../lib/image-rules';
import { dnsNameProblem } from '../lib/dns-rules';
import { RELEASE_MODES, type ReleaseMode, serviceOptionProblems, scalingProblems } from '../lib/service-rules';
import { certificateArnProblem, deregistrationDelayProblem, healthCheckPathProblem, ingressCidrProblem, portProblem, successCodesProblem } from '../lib/load-balancer-rules';
import { containerProblems, taskOptionProblems } from '../lib/task-rules';

/** `build` builds a directory with Docker and pushes it to ECR; `registry` runs a ready image. */
export type ImageSettings = { readonly kind: 'build'; readonly contextDirectory: string; readonly dockerfile: string } | { readonly kind: 'registry'; readonly reference: string };

/** How a service's container is hardened and, for the catalog API, how it drains and logs. */
export interface ContainerSettings {
  /** `uid[:gid]` to run as; unset keeps the image's USER. */
  readonly user?: string;
  readonly readonlyRootFilesystem: boolean;
  /** Directories that stay writable on a read-only root (task volumes), e.g. `/tmp`. */
  readonly writablePaths: readonly string[];
  /** Seconds from SIGTERM to SIGKILL. */
  readonly stopTimeoutSeconds: number;
  /** The catalog API's drain deadline (`SHUTDOWN_TIMEOUT_MS`); below the stop timeout. */
  readonly shutdownTimeoutMs: number;
  /** The catalog API's `LOG_LEVEL`. */
  readonly logLevel: string;
}

/** A listener port of the internet-facing load balancer; HTTPS with a certificate. */
export interface ExternalExposure {
  readonly port: number;
  /** ACM certificate: the port serves HTTPS and port 80 redirects to it. */
  readonly certificateArn?: string;
}

/** A listener port of the internal load balancer. */
export interface InternalExposure {
  readonly port: number;
}

/** What the load balancer's health check asks for. */
export interface HealthCheckSettings {
  readonly path: string;
  /** e.g. `200`, or `200,401` for an app behind basic auth. */
  readonly codes: string;
}

/** Target tracking on CPU, memory and requests per target. */
export interface ScalingSettings {
  readonly minTasks: number;
  readonly maxTasks: number;
  readonly cpuPercent: number;
  readonly memoryPercent: number;
  /** Requests per target per minute on each of the service's target groups; unset: no request policy. */
  readonly requestsPerTarget?: number;
}

/** One Fargate service. */
export interface ServiceSettings {
  /** Lower-case name: `<project>-<env>-<name>` for its AWS resources, `<NAME>_URL` for its consumers. */
  readonly name: string;
  readonly image: ImageSettings;
  /**
   * Runs the catalog API of service/: gets the table variables (`CATEGORY_TABLE`, ...) and read
   * access to the three tables.
   */
  readonly catalog: boolean;
  readonly containerPort: number;
  /** Served by the internet-facing load balancer. */
  readonly external?: ExternalExposure;
  /** Served by the internal load balancer (private subnets), named `internal.<zone>`. */
  readonly internal?: InternalExposure;
  /** Task CPU architecture and, in build mode, the image platform. */
  readonly cpuArchitecture: CpuArchitecture;
  /** CPU units (1024 = 1 vCPU); with `memoryMiB` one of Fargate's task sizes. */
  readonly cpu: number;
  readonly memoryMiB: number;
  /** Task ephemeral storage in GiB, 21 to 200; unset: Fargate's free 20 GiB. */
  readonly ephemeralStorageGiB?: number;
  readonly container: ContainerSettings;
  /** Plain variables; they win over the catalog API's own. */
  readonly environment: Readonly<Record<string, string>>;
  /** Variable name → Secrets Manager or SSM ARN. */
  readonly secrets: Readonly<Record<string, string>>;
  readonly healthCheck: HealthCheckSettings;
  readonly desiredCount: number;
  /** Unset: a fixed `desiredCount`, no scaling resources. */
  readonly scaling?: ScalingSettings;
  readonly minHealthyPercent: number;
  readonly maxPercent: number;
  readonly healthCheckGracePeriodSeconds: number;
  /** `private` (egress through NAT or endpoints) or `public` with a public IP, for VPCs without NAT. */
  readonly subnets: 'private' | 'public';
  readonly enableExecuteCommand: boolean;
  /** All tasks on FARGATE_SPOT; exclusive with `capacityProviderStrategy`. */
  readonly spot: boolean;
  readonly capacityProviderStrategy?: readonly CapacityProviderShare[];
  /** Internal services this one calls: its tasks may reach their ports, and get `<NAME>_URL`. */
  readonly consumes: readonly string[];
  /** Who registers task-definition revisions after the first deploy: Terraform, or a pipeline through `npm run release` (docs/release.md). */
  readonly release: ReleaseMode;
  /** This service's alarm thresholds where they differ from the environment's (`alarms.service`). */
  readonly alarms?: ServiceAlarmOverrides;
}

/** The two load balancers. */
export interface LoadBalancerSettings {
  /** Client networks allowed on the internet-facing load balancer's listener ports. */
  readonly ingressCidrs: readonly string[];
  readonly deletionProtection: boolean;
  readonly deregistrationDelaySeconds: number;
  /**
   * Every internet-facing load balancer serves HTTPS (port 80 only redirects): a service without a
   * certificate is a configuration problem instead of a plain-HTTP site. Internal load balancers
   * stay HTTP inside the VPC.
   */
  readonly httpsRequired: boolean;
  /** Days the internet-facing load balancer's access logs are kept, in a log bucket of the stack; 0: no access logs. */
  readonly accessLogDays: number;
  /** A WAF web ACL (AWS managed rules and a rate limit per client address) in front of the internet-facing load balancer. */
  readonly webAcl: boolean;
}

/** Route 53 names of the load balancers. */
export interface DnsSettings {
  /** Private hosted zone on the VPC, created when some service is internal. @default `<env>.<project>.internal` */
  readonly privateZoneName?: string;
  /** A public hosted zone id: the external load balancer gets `publicRecordName` in it, with an ACM certificate. */
  readonly publicZoneId?: string;
  /** e.g. `shop.example.com`; needs `publicZoneId`. */
  readonly publicRecordName?: string;
}

/** prod's capacity for every service it runs: two on-demand tasks always; beyond them, one Spot task per on-demand task. */
export const PROD_CAPACITY_PROVIDER_STRATEGY: readonly CapacityProviderShare[] = [
  { capacityProvider: 'FARGATE', base: 2, weight: 1 },
  { capacityProvider: 'FARGATE_SPOT', weight: 1 },
];

/** prod's image repositories: 30 images kept, and a repository that holds images is never deleted. */
export const PROD_REPOSITORY: RepositorySettings = { keepImages: 30, forceDelete: false };

/** The ECR repositories. */
export interface RepositorySettings {
  /** Images kept by the lifecycle policy. */
  readonly keepImages: number;
  /** `terraform destroy` deletes the repository with its images. */
  readonly forceDelete: boolean;
}

/** Everything the `service` stack needs to know. */
export interface ServiceStackSettings {
  readonly services: readonly ServiceSettings[];
  /** Where `services` came from, as problems name it: `service.services` or the services file. */
  readonly servicesSource: string;
  readonly loadBalancers: LoadBalancerSettings;
  readonly dns: DnsSettings;
  readonly logRetentionDays: number;
  readonly containerInsights: 'enabled' | 'enhanced' | 'disabled';
  readonly repository: RepositorySettings;
}

/** Partial settings of one service, nested blocks partial too; `null` removes an optional block. */
export interface ServiceOverrides extends Partial<Omit<ServiceSettings, 'container' | 'healthCheck' | 'scaling' | 'external' | 'internal'>> {
  readonly container?: Partial<ContainerSettings>;
  readonly healthCheck?: Partial<HealthCheckSettings>;
  readonly scaling?: Partial<ScalingSettings> | null;
  readonly external?: ExternalExposure | null;
  readonly internal?: InternalExposure | null;
}

/** Partial service stack settings. */
export interface ServiceStackOverrides {
  /** Replaces the default list (a services file), with the source problems name. */
  readonly services?: readonly ServiceSettings[];
  readonly servicesSource?: string;
  /** Applied to the default service (the `CDKTF_*` service variables); only without `services`. */
  readonly defaultService?: ServiceOverrides;
  readonly loadBalancers?: Partial<LoadBalancerSettings>;
  readonly dns?: Partial<DnsSettings>;
  readonly logRetentionDays?: number;
  readonly containerInsights?: ServiceStackSettings['containerInsights'];
  readonly repository?: Partial<RepositorySettings>;
}

/**
 * The nginx of the ApplicationLoadBalancedFargateService article, in its unprivileged build: it
 * listens on 8080 as uid 101 and writes only to /tmp, so it runs with the app's hardening.
 */
export const DEMO_IMAGE = 'nginxinc/nginx-unprivileged:stable-alpine';
/**
 * The image the sandbox's task definition names by default. Nothing pulls it: the emulator runs no
 * containers. With a Docker engine `npm run sandbox` deploys instead the digest it pushed to the
 * loopback registry (CDKTF_IMAGE) and runs that; without one it runs the bundle this image would copy.
 */
export const SANDBOX_IMAGE = 'localhost/bookmarks-service:sandbox';

/** Days the sandbox keeps load-balancer access logs: enough to apply the bucket and its lifecycle, as prod does with 90. */
export const SANDBOX_ACCESS_LOG_DAYS = 7;
/** Index names the service reads (`RESOURCE_CATEGORY_INDEX`, `BOOKMARK_RESOURCE_INDEX`). */
export const RESOURCE_CATEGORY_INDEX = 'byCategory';
export const BOOKMARK_RESOURCE_INDEX = 'byResource';
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export { DEFAULT_SERVICE_NAME };

/**
 * Whether a service runs the catalog API's own image, which has node (and so the task's node
 * health check): a catalog service on any image but local's nginx demo.
 */
export function runsCatalogImage(service: Pick<ServiceSettings, 'catalog' | 'image'>): boolean {
  return service.catalog && !(service.image.kind === 'registry' && service.image.reference === DEMO_IMAGE);
}

/** An image source: `build` (service/), `build:<directory>` (relative to the project) or `registry:<reference>`; undefined when malformed. */
export function parseImageSetting(value: string, root: string): ImageSettings | undefined {
  if (value === 'build') return buildImage(path.join(root, 'service'));
  const build = /^build:(.+)$/.exec(value);
  if (build) return buildImage(path.resolve(root, build[1].trim()));
  const match = /^registry:(.+)$/.exec(value);
  return match ? { kind: 'registry', reference: match[1].trim() } : undefined;
}

function buildImage(contextDirectory: string): ImageSettings {
  return { kind: 'build', contextDirectory, dockerfile: 'Dockerfile' };
}

/** Target tracking every scaled service starts from; a scaling block given in part fills the rest from here. */
export const DEFAULT_SCALING: ScalingSettings = { minTasks: 1, maxTasks: 3, cpuPercent: 70, memoryPercent: 80, requestsPerTarget: 1000 };

/** The app container: uid 1000 (`node`), read-only root, 20 s drain inside a 30 s stop. */
const APP_CONTAINER: ContainerSettings = {
  user: '1000',
  readonlyRootFilesystem: true,
  writablePaths: [],
  stopTimeoutSeconds: 30,
  shutdownTimeoutMs: 20_000,
  logLevel: 'info',
};

/** The service stack defaults of one environment; `root` is the project directory holding service/. */
export function serviceDefaults(name: EnvironmentName, root: string): ServiceStackSettings {
  const api: ServiceSettings = {
    name: DEFAULT_SERVICE_NAME,
    image: buildImage(path.join(root, 'service')),
    catalog: true,
    containerPort: 8080,
    external: { port: 80 },
    cpuArchitecture: 'X86_64',
    cpu: 256,
    memoryMiB: 512,
    container: APP_CONTAINER,
    environment: {},
    secrets: {},
    healthCheck: { path: '/health', codes: '200' },
    desiredCount: 1,
    scaling: DEFAULT_SCALING,
    minHealthyPercent: 100,
    maxPercent: 200,
    healthCheckGracePeriodSeconds: 60,
    subnets: 'private',
    enableExecuteCommand: false,
    // Spot is up to 70 % cheaper; an interrupted dev task is replaced within a minute or two.
    spot: true,
    consumes: [],
    release: 'terraform',
  };
  const dev: ServiceStackSettings = {
    services: [api],
    servicesSource: 'service.services',
    loadBalancers: { ingressCidrs: ['0.0.0.0/0'], deletionProtection: false, deregistrationDelaySeconds: 30, httpsRequired: false, accessLogDays: 0, webAcl: false },
    dns: {},
    logRetentionDays: 14,
    containerInsights: 'enabled',
    repository: { keepImages: 10, forceDelete: true },
  };
  switch (name) {
    case 'local':
      // Synthesized for offline validate/plan, never deployed: the article's nginx demo, which needs
      // no Docker and no AWS lookups.
      return {
        ...dev,
        services: [
          {
            ...api,
            image: { kind: 'registry', reference: DEMO_IMAGE },
            container: { ...APP_CONTAINER, user: '101', writablePaths: ['/tmp'] },
            spot: false,
            // The local network has no NAT gateway: tasks need public IPs to pull the image.
            subnets: 'public',
            healthCheck: { ...api.healthCheck, path: '/' },
            scaling: { ...DEFAULT_SCALING, maxTasks: 2 },
          },
        ],
        logRetentionDays: 7,
        repository: { keepImages: 5, forceDelete: true },
      };
    case 'dev':
      return dev;
    case 'sandbox':
      // dev in registry mode (the sandbox has no Docker engine), without autoscaling (moto cannot create it),
      // with what prod adds that the emulator applies: access logs (a week) and the web ACL.
      return {
        ...dev,
        services: [{ ...api, image: { kind: 'registry', reference: SANDBOX_IMAGE }, scaling: undefined }],
        loadBalancers: { ...dev.loadBalancers, accessLogDays: SANDBOX_ACCESS_LOG_DAYS, webAcl: true },
      };
    case 'prod':
      return {
        ...dev,
        services: [
          {
            ...api,
            cpu: 512,
            memoryMiB: 1024,
            desiredCount: 2,
            spot: false,
            capacityProviderStrategy: PROD_CAPACITY_PROVIDER_STRATEGY,
            scaling: { ...DEFAULT_SCALING, minTasks: 2, maxTasks: 10 },
          },
        ],
        loadBalancers: { ...dev.loadBalancers, deletionProtection: true, httpsRequired: true, accessLogDays: 90, webAcl: true },
        logRetentionDays: 90,
        repository: PROD_REPOSITORY,
      };
  }
}

/**
 * The fields every load-balanced Fargate service has, the services of the service stack and
 * WordPress alike: their task size, count, scaling, capacity, placement, deployment and health
 * check. They are merged by {@link mergeServiceLike} and checked by {@link serviceLikeProblems}.
 */
export type ServiceLikeSettings = Pick<
  ServiceSettings,
  | 'cpuArchitecture'
  | 'cpu'
  | 'memoryMiB'
  | 'ephemeralStorageGiB'
  | 'desiredCount'
  | 'scaling'
  | 'spot'
  | 'capacityProviderStrategy'
  | 'enableExecuteCommand'
  | 'subnets'
  | 'minHealthyPercent'
  | 'maxPercent'
  | 'healthCheckGracePeriodSeconds'
  | 'healthCheck'
>;

/** Overrides of the service-like fields; `scaling: null` removes scaling. */
export type ServiceLikeOverrides = Partial<Omit<ServiceLikeSettings, 'healthCheck' | 'scaling'>> & {
  readonly healthCheck?: Partial<HealthCheckSettings>;
  readonly scaling?: Partial<ScalingSettings> | null;
};

/** The settings that configure the task definition itself, passed to it as they are. */
export type TaskSettings = Pick<ServiceSettings, 'cpu' | 'memoryMiB' | 'cpuArchitecture' | 'enableExecuteCommand' | 'ephemeralStorageGiB'>;

/** The task definition's own settings of a service (or of WordPress), for FargateTaskDefinition. */
export function taskSettingsOf(settings: TaskSettings): TaskSettings {
  const { cpu, memoryMiB, cpuArchitecture, enableExecuteCommand, ephemeralStorageGiB } = settings;
  return { cpu, memoryMiB, cpuArchitecture, enableExecuteCommand, ephemeralStorageGiB };
}

/** Applies overrides to the service-like fields; an explicit strategy or spot flag replaces the other, so that `spot: true` alone means all Spot. */
export function mergeServiceLike<S extends ServiceLikeSettings>(defaults: S, overrides: ServiceLikeOverrides): S {
  const strategy =
    overrides.capacityProviderStrategy !== undefined ? overrides.capacityProviderStrategy : overrides.spot !== undefined ? undefined : defaults.capacityProviderStrategy;
  const spot = overrides.spot ?? (overrides.capacityProviderStrategy !== undefined ? false : defaults.spot);
  const scaling = overrides.scaling === null ? undefined : overrides.scaling === undefined ? defaults.scaling : { ...(defaults.scaling ?? DEFAULT_SCALING), ...overrides.scaling };
  return { ...defaults, ...overrides, spot, capacityProviderStrategy: strategy, scaling, healthCheck: { ...defaults.healthCheck, ...overrides.healthCheck } };
}

/** Applies overrides to one service, block by block. */
export function mergeService(defaults: ServiceSettings, overrides: ServiceOverrides = {}): ServiceSettings {
  return {
    ...mergeServiceLike(defaults, overrides),
    container: { ...defaults.container, ...overrides.container },
    external: overrides.external === null ? undefined : (overrides.external ?? defaults.external),
    internal: overrides.internal === null ? undefined : (overrides.internal ?? defaults.internal),
  };
}

/**
 * Every problem with the service-like fields, each starting with its field: task size and
 * architecture, count, deployment, capacity, scaling, subnets and health check.
 */
export function serviceLikeProblems(settings: ServiceLikeSettings, logRetentionDays: number): string[] {
  const problems = [...taskOptionProblems({ ...taskSettingsOf(settings), logRetentionDays }), ...serviceOptionProblems(settings)];
  if (settings.scaling) problems.push(...scalingProblems(settings.scaling, settings.desiredCount).map((p) => (p.startsWith('desiredCount') ? p : `scaling.${p}`)));
  if (settings.subnets !== 'private' && settings.subnets !== 'public') problems.push(`subnets "${settings.subnets}" is unknown; use private or public`);
  const codes = successCodesProblem(settings.healthCheck.codes);
  if (codes) problems.push(`healthCheck.codes: ${codes}`);
  const healthPath = healthCheckPathProblem(settings.healthCheck.path);
  if (healthPath) problems.push(`healthCheck.path: ${healthPath}`);
  return problems;
}

/** One service of a services file; every field but name, image and containerPort defaults to the environment's. */
export const SERVICE_ENTRY_SCHEMA = json.object(
  {
    name: json.string('orders').describe('1-20 lower-case letters, digits or hyphens: `<project>-<env>-<name>` names its resources, `<NAME>_URL` its consumers'),
    image: json
      .string('registry:public.ecr.aws/nginx/nginx:stable')
      .regex(/^(build|build:.+|registry:.+)$/, {
        error: (issue) => `${json.describe(issue.input)} is not an image source; use build, build:<directory> or registry:<image>, e.g. registry:public.ecr.aws/nginx/nginx:stable`,
      })
      .describe('build (service/), build:<directory> (relative to the project) or registry:<image>'),
    catalog: json.boolean().optional().describe('runs the catalog API of service/ (table variables and read access); default: true for the image build of service/'),
    containerPort: json.number(8080).describe('the port the container listens on'),
    external: json
      .object(
        { port: json.number(80), certificateArn: json.string('arn:aws:acm:eu-west-1:123456789012:certificate/<id>').optional() },
        'served by the internet-facing load balancer on this port; with a certificate, HTTPS',
      )
      .optional(),
    internal: json.object({ port: json.number(80) }, 'served by the internal load balancer on this port, named internal.<zone>').optional(),
    desiredCount: json.number(2).optional().describe('tasks at the first deployment, or always without scaling'),
    scaling: json
      .object(
        {
          minTasks: json.number(1),
          maxTasks: json.number(4),
          cpuPercent: json.number(DEFAULT_SCALING.cpuPercent).default(DEFAULT_SCALING.cpuPercent),
          memoryPercent: json.number(DEFAULT_SCALING.memoryPercent).default(DEFAULT_SCALING.memoryPercent),
          requestsPerTarget: json.number(1000).optional(),
        },
        'target tracking on CPU, memory and (optionally) requests per target; unset: a fixed desiredCount',
      )
      .optional(),
    consumes: json.list(json.string('product'), '["product"]').optional().describe('internal services this one calls: it may reach their ports and gets <NAME>_URL'),
    environment: json.stringMap('debug').optional().describe('plain variables; they win over the catalog API own'),
    secrets: json.stringMap('arn:aws:secretsmanager:eu-west-1:123456789012:secret:app-AbCdEf').optional().describe('variable name to Secrets Manager or SSM ARN'),
    cpu: json.number(256).optional().describe('task CPU units; with memoryMiB one of Fargate task sizes'),
    memoryMiB: json.number(512).optional().describe('task memory in MiB'),
    ephemeralStorageGiB: json.number(30).optional().describe('task ephemeral storage in GiB, 21 to 200; unset: the free 20 GiB'),
    cpuArchitecture: json.oneOf(CPU_ARCHITECTURES).optional().describe('task CPU architecture (and image platform)'),
    healthCheck: json.object({ path: json.string('/health').optional(), codes: json.string('200,302').optional() }, 'what the load balancer health check asks for').optional(),
    spot: json.boolean().optional().describe('all tasks on FARGATE_SPOT; not with capacityProviderStrategy'),
    capacityProviderStrategy: json
      .list(
        json.object({ provider: json.oneOf(CAPACITY_PROVIDERS), base: json.number(1).optional(), weight: json.number(1) }, 'one capacity provider share'),
        '[{ "provider": "FARGATE", "weight": 1 }]',
      )
      .optional()
      .describe('capacity provider shares'),
    enableExecuteCommand: json.boolean().optional().describe('ECS Exec; also makes the root filesystem writable unless readonlyRootFilesystem says otherwise'),
    subnets: json.oneOf(['private', 'public']).optional().describe('private, or public with a public IP (for VPCs without NAT)'),
    release: json
      .oneOf(RELEASE_MODES)
      .optional()
      .describe('who registers new task-definition revisions: terraform (every image change is a deploy) or pipeline (npm run release; docs/release.md); default terraform'),
    user: json.string('1000').optional().describe('uid[:gid] the container runs as'),
    readonlyRootFilesystem: json.boolean().optional(),
    writablePaths: json.list(json.string('/tmp'), '["/tmp"]').optional().describe('directories that stay writable on a read-only root'),
    minHealthyPercent: json.number(100).optional(),
    maxPercent: json.number(200).optional(),
    healthCheckGracePeriodSeconds: json.number(60).optional(),
    alarms: SERVICE_ALARMS_SCHEMA.optional(),
  },
  'one Fargate service',
);

/** One service as a services file gives it. */
export type ServiceEntry = z.infer<typeof SERVICE_ENTRY_SCHEMA>;

/** Applies overrides to the stack settings: a given list replaces the default one, else the default service is overridden. */
export function mergeServiceStackSettings(defaults: ServiceStackSettings, overrides: ServiceStackOverrides = {}): ServiceStackSettings {
  return {
    ...defaults,
    services: overrides.services ?? defaults.services.map((s) => mergeService(s, overrides.defaultService)),
    servicesSource: overrides.services ? (overrides.servicesSource ?? 'service.services') : defaults.servicesSource,
    loadBalancers: { ...defaults.loadBalancers, ...overrides.loadBalancers },
    dns: { ...defaults.dns, ...overrides.dns },
    logRetentionDays: overrides.logRetentionDays ?? defaults.logRetentionDays,
    containerInsights: overrides.containerInsights ?? defaults.containerInsights,
    repository: { ...defaults.repository, ...overrides.repository },
  };
}

/** What the service validation needs to know about the rest of the configuration. */
export interface ServiceValidationContext {
  readonly availabilityZones: readonly string[];
  readonly natMode: NetworkNatMode;
  readonly interfaceEndpoints: readonly string[];
}

/** Every problem with the service stack settings, each naming its path (`service.services[0].cpu`, or the file's) and the fix. */
export function validateServiceStackSettings(settings: ServiceStackSettings, context: ServiceValidationContext): string[] {
  const problems: string[] = [];
  const { services } = settings;
  const at = (i: number) => (settings.servicesSource === 'service.services' ? `service.services[${i}]` : `${settings.servicesSource}: services[${i}]`);
  if (services.length === 0) problems.push(`${settings.servicesSource}: no service; list at least one`);
  services.forEach((service, i) => problems.push(...serviceProblems(service, services).map((p) => `${at(i)}.${p}`)));
  problems.push(...sharedPortProblems(services, at));

  const lb = settings.loadBalancers;
  if (lb.ingressCidrs.length === 0) problems.push('service.loadBalancers.ingressCidrs is empty; list the client networks, e.g. 0.0.0.0/0');
  for (const cidr of lb.ingressCidrs) {
    const problem = ingressCidrProblem(cidr);
    if (problem) problems.push(`service.loadBalancers.ingressCidrs: ${problem}`);
  }
  const delay = deregistrationDelayProblem(lb.deregistrationDelaySeconds);
  if (delay) problems.push(`service.loadBalancers.${delay}`);
  // Zero zones is the network's own problem; one zone is enough for it but not for a load balancer.
  if (context.availabilityZones.length === 1) {
    problems.push(`service.network.availabilityZones lists one zone; the service's load balancer needs at least two, e.g. ${context.availabilityZones[0]},<another zone>`);
  }

  const { dns } = settings;
  const zone = dns.privateZoneName === undefined ? undefined : dnsNameProblem(dns.privateZoneName);
  if (zone) problems.push(`service.dns.privateZoneName: ${zone}; set CDKTF_PRIVATE_ZONE`);
  if ((dns.publicZoneId === undefined) !== (dns.publicRecordName === undefined)) {
    problems.push('service.dns: publicZoneId and publicRecordName go together; set both CDKTF_PUBLIC_ZONE_ID and CDKTF_PUBLIC_RECORD_NAME, or neither');
  }
  if (dns.publicZoneId !== undefined && !/^Z[A-Z0-9]{1,31}$/.test(dns.publicZoneId)) {
    problems.push(`service.dns.publicZoneId "${dns.publicZoneId}" is not a hosted zone id; use one like Z0123456789ABCDEFGHIJ`);
  }
  if (dns.publicRecordName !== undefined) {
    const record = dnsNameProblem(dns.publicRecordName);
    if (record) problems.push(`service.dns.publicRecordName: ${record}`);
    if (!services.some((s) => s.external)) problems.push('service.dns.publicRecordName names the external load balancer, but no service is external; expose one with "external"');
    if (services.some((s) => s.external?.certificateArn)) {
      problems.push('service.dns.publicRecordName brings its own DNS-validated certificate; remove external.certificateArn from the services');
    }
  }
  const keep = keepImagesProblem(settings.repository.keepImages);
  if (keep) problems.push(`service.repository.${keep}`);
  if (settings.loadBalancers.httpsRequired) problems.push(...plainHttpServices(settings).map(({ i, s }) => `${at(i)}.external: ${plainHttpProblem(s, settings)}`));
  return problems;
}

/**
 * The external services that would serve plain HTTP on the internet-facing load balancer: no
 * certificate of their own and no public name (whose DNS-validated certificate covers them all).
 */
export function plainHttpServices(settings: ServiceStackSettings): { readonly s: ServiceSettings; readonly i: number }[] {
  if (settings.dns.publicZoneId !== undefined && settings.dns.publicRecordName !== undefined) return [];
  return settings.services.map((s, i) => ({ s, i })).filter(({ s }) => s.external !== undefined && s.external.certificateArn === undefined);
}

/** Why a service without a certificate cannot go to an environment that requires HTTPS, with the settings that fix it. */
function plainHttpProblem(service: ServiceSettings, settings: ServiceStackSettings): string {
  const own =
    settings.servicesSource === 'service.services'
      ? 'CDKTF_CERTIFICATE_ARN=<ACM certificate ARN of the region>'
      : `"external": { "port": 443, "certificateArn": "<ACM certificate ARN of the region>" } for "${service.name}" in ${settings.servicesSource}`;
  return (
    `"${service.name}" would serve plain HTTP on port ${service.external?.port} of the internet-facing load balancer, and this environment requires HTTPS; ` +
    `set ${own}, or give the load balancer a public name with a DNS-validated certificate: CDKTF_PUBLIC_ZONE_ID=<public hosted zone id> and CDKTF_PUBLIC_RECORD_NAME=<name in that zone>`
  );
}

/** The problems of one service, each starting with its field. */
function serviceProblems(service: ServiceSettings, all: readonly ServiceSettings[]): string[] {
  const problems: string[] = [];
  const { container, image } = service;
  if (!/^[a-z][a-z0-9-]{0,19}$/.test(service.name)) {
    problems.push(`name "${service.name}" is not a service name; use 1-20 lower-case letters, digits or hyphens, starting with a letter`);
  } else if (all.filter((s) => s.name === service.name).length > 1) {
    problems.push(`name "${service.name}" is used twice; give each service its own name`);
  }
  if (image.kind === 'registry' && image.reference === '') {
    problems.push('image: the registry reference is empty; use registry:<image>, e.g. registry:public.ecr.aws/nginx/nginx:stable');
  }
  if (image.kind === 'build' && !path.isAbsolute(image.contextDirectory)) {
    problems.push(`image.contextDirectory: "${image.contextDirectory}" is relative; give an absolute directory`);
  }
  const port = portProblem(service.containerPort);
  if (port) problems.push(`containerPort: ${port}`);
  if (!service.external && !service.internal) problems.push('exposes nothing; give "external", "internal" or both');
  for (const [key, exposure] of [
    ['external', service.external],
    ['internal', service.internal],
  ] as const) {
    const problem = exposure && portProblem(exposure.port);
    if (problem) problems.push(`${key}.port: ${problem}`);
  }
  const certificate = service.external?.certificateArn;
  if (certificate !== undefined) {
    const problem = certificateArnProblem(certificate);
    if (problem) problems.push(`external.certificateArn: ${problem}`);
    if (service.external?.port === 80) problems.push('external.port 80 with a certificate leaves no port for the HTTP redirect; use 443');
  }
  problems.push(
    // Log retention is the stack's, checked once for all services.
    ...serviceLikeProblems(service, 1),
    ...containerProblems({
      environment: service.environment,
      secrets: service.secrets,
      user: service.container.user,
      readonlyRootFilesystem: service.container.readonlyRootFilesystem,
      writablePaths: service.container.writablePaths,
      stopTimeoutSeconds: service.container.stopTimeoutSeconds,
      enableExecuteCommand: service.enableExecuteCommand,
    }).map((p) => p.replace(/^(user|stopTimeoutSeconds|writablePaths)\b/, 'container.$1')),
  );
  if (!(container.shutdownTimeoutMs > 0) || container.shutdownTimeoutMs >= container.stopTimeoutSeconds * 1000) {
    problems.push(
      `container.shutdownTimeoutMs ${container.shutdownTimeoutMs} must be above 0 and below the stop timeout of ${container.stopTimeoutSeconds * 1000} ms, or ECS kills requests mid-drain; e.g. 20000 with a 30 s stop timeout`,
    );
  }
  if (!(LOG_LEVELS as readonly string[]).includes(container.logLevel)) {
    problems.push(`container.logLevel "${container.logLevel}" is not a log level; use one of ${LOG_LEVELS.join(', ')}`);
  }
  service.consumes.forEach((name, j) => {
    const target = all.find((s) => s.name === name);
    if (name === service.name) problems.push(`consumes[${j}]: "${name}" is the service itself; list the services it calls`);
    else if (!target)
      problems.push(
        `consumes[${j}]: "${name}" is not a service here; use one of ${
          all
            .map((s) => s.name)
            .filter((n) => n !== service.name)
            .join(', ') || 'none'
        }`,
      );
    else if (!target.internal) problems.push(`consumes[${j}]: "${name}" is not internal, so it has no internal URL; give it "internal": { "port": ... }`);
    const variable = serviceUrlVariable(name);
    if (variable in service.environment || variable in service.secrets) problems.push(`consumes[${j}]: ${variable} is also set in environment or secrets; remove it there`);
  });
  return problems;
}

/** Two services on one listener port of the same load balancer would need rules, which the settings do not offer. */
function sharedPortProblems(services: readonly ServiceSettings[], at: (i: number) => string): string[] {
  const problems: string[] = [];
  for (const scheme of ['external', 'internal'] as const) {
    const seen = new Map<number, number>();
    services.forEach((service, i) => {
      const port = service[scheme]?.port;
      if (port === undefined) return;
      const first = seen.get(port);
      if (first !== undefined)
        problems.push(`${at(i)}.${scheme}.port ${port} is taken by "${services[first].name}" on the ${scheme} load balancer; give each service its own port`);
      else seen.set(port, i);
    });
  }
  const external = services.map((s, i) => ({ s, i })).filter(({ s }) => s.external);
  const https = external.filter(({ s }) => s.external?.certificateArn);
  if (https.length > 0 && https.length < external.length) {
    for (const { s, i } of external.filter(({ s }) => !s.external?.certificateArn)) {
      problems.push(`${at(i)}.external: "${s.name}" serves plain HTTP beside HTTPS services on the external load balancer; give it a certificateArn too (port 80 only redirects)`);
    }
  }
  for (const { s, i } of https) {
    if (external.some(({ s: other }) => other.external?.port === 80 && other !== s)) {
      problems.push(`${at(i)}.external: port 80 redirects to HTTPS, so no service may use it; pick another port`);
    }
  }
  return problems;
}

/**
 * Why tasks of a service in private subnets could not reach ECR and CloudWatch Logs in this
 * network, or undefined when they can: without NAT they need the ecr.api, ecr.dkr and logs endpoints.
 */
export function privateEgressWarning(service: ServiceSettings, context: ServiceValidationContext): string | undefined {
  const endpoints = ['ecr.api', 'ecr.dkr', 'logs'];
  if (service.subnets !== 'private' || context.natMode !== 'none') return undefined;
  if (endpoints.every((e) => context.interfaceEndpoints.includes(e))) return undefined;
  return `the tasks of "${service.name}" run in private subnets, but the network has no NAT gateway and lacks the ecr.api, ecr.dkr and logs endpoints, so they cannot pull images or write logs; set CDKTF_TASK_SUBNETS=public (or "subnets": "public"), a NAT mode, or those endpoints`;
}

const projectPath = (root: string, directory: string) => path.relative(root, directory).split(path.sep).join('/') || '.';
const firstService = (d: ServiceStackSettings) => d.services[0];
const strategyText = (strategy: readonly CapacityProviderShare[]) =>
  strategy.map((s) => [s.capacityProvider, s.base ? `base ${s.base}` : '', `weight ${s.weight}`].filter((p) => p !== '').join(' ')).join(' + ');
/** What applies when a spot variable is unset: an explicit strategy, or the spot flag. */
export const spotDefault = (s: { readonly spot: boolean; readonly capacityProviderStrategy?: readonly CapacityProviderShare[] }) =>
  s.capacityProviderStrategy ? unset(strategyText(s.capacityProviderStrategy)) : value(s.spot);
const imageSource = (image: ImageSettings, root: string) =>
  image.kind === 'registry'
    ? `registry:${image.reference}`
    : image.contextDirectory === path.join(root, 'service')
      ? 'build'
      : `build:${projectPath(root, image.contextDirectory)}`;
const IMAGE_SOURCE = /^(build|build:.+|registry:.+)$/;
/** Fargate's task CPU sizes, for the variables that set one. */
export const FARGATE_CPU_SIZES: readonly number[] = [...FARGATE_TASK_SIZES.keys()];
/** What the service stack's variables set: the stack's own overrides, and the services file to read. */
export interface ServiceStackDraft extends ServiceStackOverrides {
  /** `CDKTF_SERVICES_FILE` as given, relative to the project. */
  readonly servicesFile?: string;
}
/** Applies `o` to the default service's overrides. */
const toDefault = (d: ServiceStackDraft, o: ServiceOverrides): ServiceStackDraft => ({ ...d, defaultService: { ...d.defaultService, ...o } });

/** The variables of the whole service stack. */
export const SERVICE_STACK_VARIABLES = {
  CDKTF_SERVICES_FILE: variable({
    group: 'services',
    description: 'JSON file `{ "services": [...] }` that replaces the default service (docs/services.md)',
    values: 'a path relative to the project, e.g. docs/examples/three-services.json',
    parse: text.any(),
    apply: (o, servicesFile) => ({ ...o, servicesFile }),
    defaultIn: (d) => unset(`one service, ${d.services.map((s) => `\`${s.name}\``).join(', ')}`),
  }),
  CDKTF_ALB_INGRESS_CIDRS: variable({
    group: 'services',
    description: 'client networks allowed on the listener ports of the internet-facing load balancer',
    values: 'comma-separated IPv4 or IPv6 CIDR blocks',
    parse: text.list(),
    apply: (o, ingressCidrs) => ({ ...o, loadBalancers: { ...o.loadBalancers, ingressCidrs } }),
    defaultIn: (d) => value(d.loadBalancers.ingressCidrs.join(',')),
  }),
  CDKTF_ALB_ACCESS_LOG_DAYS: variable({
    group: 'services',
    description: 'days the access logs of the internet-facing load balancer are kept in an S3 bucket of the stack (S3 storage: about 0.023 USD per GB-month)',
    values: 'a whole number of days; 0 turns access logs off',
    parse: text.integer(90),
    apply: (o, accessLogDays) => ({ ...o, loadBalancers: { ...o.loadBalancers, accessLogDays } }),
    defaultIn: (d) => value(d.loadBalancers.accessLogDays),
  }),
  CDKTF_ALB_WAF: variable({
    group: 'services',
    description:
      'a WAF web ACL in front of the internet-facing load balancer: AWS managed rules and a rate limit per client address (5 USD/month + 1 USD per rule + 0.60 USD per million requests)',
    values: 'true, false',
    parse: text.boolean(),
    apply: (o, webAcl) => ({ ...o, loadBalancers: { ...o.loadBalancers, webAcl } }),
    defaultIn: (d) => value(d.loadBalancers.webAcl),
  }),
  CDKTF_PRIVATE_ZONE: variable({
    group: 'services',
    description: 'private hosted zone on the VPC, created when some service is internal',
    values: 'a DNS name',
    parse: text.any(),
    apply: (o, privateZoneName) => ({ ...o, dns: { ...o.dns, privateZoneName } }),
    defaultIn: (d, c) => value(d.dns.privateZoneName ?? privateZoneName(c)),
  }),
  CDKTF_PUBLIC_ZONE_ID: variable({
    group: 'services',
    description: 'public hosted zone: the external load balancer gets CDKTF_PUBLIC_RECORD_NAME in it, with a DNS-validated certificate',
    values: 'a Route 53 zone id',
    parse: text.any(),
    apply: (o, publicZoneId) => ({ ...o, dns: { ...o.dns, publicZoneId } }),
    defaultIn: (d) => (d.dns.publicZoneId ? value(d.dns.publicZoneId) : unset('no public name')),
  }),
  CDKTF_PUBLIC_RECORD_NAME: variable({
    group: 'services',
    description: 'public name of the external load balancer (needs CDKTF_PUBLIC_ZONE_ID)',
    values: 'a DNS name, e.g. shop.example.com',
    parse: text.any(),
    apply: (o, publicRecordName) => ({ ...o, dns: { ...o.dns, publicRecordName } }),
    defaultIn: (d) => (d.dns.publicRecordName ? value(d.dns.publicRecordName) : unset('no public name')),
  }),
} satisfies GroupVariables<ServiceStackSettings, ServiceStackDraft>;

/** The variables of the default service (the stack's one service without a services file). */
export const DEFAULT_SERVICE_VARIABLES = {
  CDKTF_IMAGE: variable({
    group: 'default service',
    description: 'image source: Docker build of service/ pushed to ECR, another build context, or a ready image (no Docker)',
    values: 'build, build:<directory>, registry:<image>',
    parse: text
      .any()
      .refine((v) => IMAGE_SOURCE.test(v), { error: 'is not an image source; use build, build:<directory> or registry:<image>, e.g. registry:public.ecr.aws/nginx/nginx:stable' }),
    apply: (o, source, c: SettingsContext) => toDefault(o, { image: parseImageSetting(source, c.root) }),
    defaultIn: (d, c) => value(imageSource(firstService(d).image, c.root)),
  }),
  CDKTF_CPU_ARCHITECTURE: variable({
    group: 'default service',
    description: 'CPU architecture of the task and of the image build',
    values: CPU_ARCHITECTURES.join(', '),
    parse: text.oneOf(CPU_ARCHITECTURES, 'a CPU architecture of Fargate'),
    apply: (o, cpuArchitecture) => toDefault(o, { cpuArchitecture }),
    defaultIn: (d) => value(firstService(d).cpuArchitecture),
  }),
  CDKTF_TASK_CPU: variable({
    group: 'default service',
    description: 'task CPU units',
    values: FARGATE_CPU_SIZES.join(', '),
    parse: text.integerOf(FARGATE_CPU_SIZES, 'a Fargate CPU size'),
    apply: (o, cpu) => toDefault(o, { cpu }),
    defaultIn: (d) => value(firstService(d).cpu),
  }),
  CDKTF_TASK_MEMORY: variable({
    group: 'default service',
    description: 'task memory in MiB',
    values: 'a Fargate pair with the CPU',
    parse: text.integer(1024, 1),
    apply: (o, memoryMiB) => toDefault(o, { memoryMiB }),
    defaultIn: (d) => value(firstService(d).memoryMiB),
  }),
  CDKTF_TASK_EPHEMERAL_STORAGE: variable({
    group: 'default service',
    description: 'task ephemeral storage in GiB (billed above the free 20 GiB)',
    values: '21 to 200',
    parse: text.integer(30),
    apply: (o, ephemeralStorageGiB) => toDefault(o, { ephemeralStorageGiB }),
    defaultIn: (d) => (firstService(d).ephemeralStorageGiB === undefined ? unset('20 GiB, free') : value(firstService(d).ephemeralStorageGiB as number)),
  }),
  CDKTF_DESIRED_COUNT: variable({
    group: 'default service',
    description: 'tasks at the first deployment',
    values: 'a whole number',
    parse: text.integer(2),
    apply: (o, desiredCount) => toDefault(o, { desiredCount }),
    defaultIn: (d) => value(firstService(d).desiredCount),
  }),
  CDKTF_MIN_TASKS: variable({
    group: 'default service',
    description: 'autoscaling minimum (target tracking on CPU, memory and requests per target)',
    values: 'a whole number',
    parse: text.integer(2),
    apply: (o, minTasks) => toDefault(o, { scaling: { ...scalingOf(o), minTasks } }),
    defaultIn: (d) => {
      const scaling = firstService(d).scaling;
      return scaling ? value(scaling.minTasks) : ignored('refused: no autoscaling');
    },
  }),
  CDKTF_MAX_TASKS: variable({
    group: 'default service',
    description: 'autoscaling maximum',
    values: 'a whole number',
    parse: text.integer(4),
    apply: (o, maxTasks) => toDefault(o, { scaling: { ...scalingOf(o), maxTasks } }),
    defaultIn: (d) => {
      const scaling = firstService(d).scaling;
      return scaling ? value(scaling.maxTasks) : ignored('refused: no autoscaling');
    },
  }),
  CDKTF_SPOT: variable({
    group: 'default service',
    description: 'true: every task on FARGATE_SPOT; false: every task on FARGATE',
    values: 'true, false',
    parse: text.boolean(),
    apply: (o, spot) => toDefault(o, { spot }),
    defaultIn: (d) => spotDefault(firstService(d)),
  }),
  CDKTF_ECS_EXEC: variable({
    group: 'default service',
    description: 'ECS Exec; it also turns the read-only root filesystem off (the exec agent writes)',
    values: 'true, false',
    parse: text.boolean(),
    apply: (o, enableExecuteCommand) =>
      toDefault(o, { enableExecuteCommand, ...(enableExecuteCommand ? { container: { ...o.defaultService?.container, readonlyRootFilesystem: false } } : {}) }),
    defaultIn: (d) => value(firstService(d).enableExecuteCommand),
  }),
  CDKTF_RELEASE: variable({
    group: 'default service',
    description: 'who registers new task-definition revisions: terraform (every image change is a deploy) or pipeline (`npm run release`, docs/release.md)',
    values: RELEASE_MODES.join(', '),
    parse: text.oneOf(RELEASE_MODES, 'a release mode'),
    apply: (o, release) => toDefault(o, { release }),
    defaultIn: (d) => value(firstService(d).release),
  }),
  CDKTF_TASK_SUBNETS: variable({
    group: 'default service',
    description: 'task subnets: private, or public with a public IP (for VPCs without NAT)',
    values: 'private, public',
    parse: text.oneOf(['private', 'public'] as const, 'a kind of subnet'),
    apply: (o, subnets) => toDefault(o, { subnets }),
    defaultIn: (d) => value(firstService(d).subnets),
  }),
  CDKTF_CERTIFICATE_ARN: variable({
    group: 'default service',
    description: 'ACM certificate: HTTPS on 443, port 80 redirects to it',
    values: 'an ACM certificate ARN of the region',
    parse: text.any(),
    apply: (o, certificateArn) => toDefault(o, { external: { port: 443, certificateArn } }),
    defaultIn: (d, c) => {
      const arn = firstService(d).external?.certificateArn;
      if (arn) return value(arn);
      if (d.loadBalancers.httpsRequired) return unset('refused: HTTPS is required; give it, or CDKTF_PUBLIC_ZONE_ID with CDKTF_PUBLIC_RECORD_NAME');
      return unset(c.environment === 'dev' ? 'HTTP only, with a synth warning' : 'HTTP only');
    },
  }),
  CDKTF_ALB_INTERNAL: variable({
    group: 'default service',
    description: 'true: the service is internal only, on port 80 of the internal load balancer (private subnets, `internal.<zone>`); the internet-facing one is not created',
    values: 'true, false',
    parse: text.boolean(),
    // An internal-only service leaves the internet-facing load balancer out.
    apply: (o, internal) => (internal ? toDefault(o, { internal: { port: 80 }, external: null }) : o),
    defaultIn: (d) => {
      const s = firstService(d);
      return value(s.internal !== undefined && s.external === undefined);
    },
  }),
  CDKTF_HEALTH_CHECK_CODES: variable({
    group: 'default service',
    description: 'health-check success codes of the target group (`200,401` behind basic auth)',
    values: 'codes, e.g. 200 or 200,401',
    parse: text.any(),
    apply: (o, codes) => toDefault(o, { healthCheck: { ...o.defaultService?.healthCheck, codes } }),
    defaultIn: (d) => value(firstService(d).healthCheck.codes),
  }),
  CDKTF_LOG_LEVEL: variable({
    group: 'default service',
    description: 'LOG_LEVEL of the catalog API',
    values: LOG_LEVELS.join(', '),
    parse: text.oneOf(LOG_LEVELS, 'a log level'),
    apply: (o, logLevel) => toDefault(o, { container: { ...o.defaultService?.container, logLevel } }),
    defaultIn: (d) => value(firstService(d).container.logLevel),
  }),
  CDKTF_BASIC_AUTH_USER_ARN: basicAuthVariable('BASIC_AUTH_USER'),
  CDKTF_BASIC_AUTH_PASSWORD_ARN: basicAuthVariable('BASIC_AUTH_PASSWORD'),
} satisfies GroupVariables<ServiceStackSettings, ServiceStackDraft>;

function scalingOf(o: ServiceStackDraft): Partial<ScalingSettings> {
  const scaling = o.defaultService?.scaling;
  return scaling === null || scaling === undefined ? {} : scaling;
}

/** A variable holding the ARN of a secret that the container gets as `name`. */
function basicAuthVariable(name: 'BASIC_AUTH_USER' | 'BASIC_AUTH_PASSWORD') {
  return variable({
    group: 'default service',
    description: `Secrets Manager or SSM ARN injected as ${name}`,
    values: 'an ARN',
    parse: text.any(),
    apply: (o: ServiceStackDraft, arn: string) => toDefault(o, { secrets: { ...o.defaultService?.secrets, [name]: arn } }),
    defaultIn: (d: ServiceStackSettings) => {
      const arn = firstService(d).secrets[name];
      return arn ? value(arn) : unset('no basic auth');
    },
  });
}

/**
 * The problems of variables that contradict each other or the environment, each naming them:
 * an internal-only service with a certificate, default-service variables beside a services file,
 * and scaling bounds where the environment has no scaling.
 */
export function serviceVariableProblems(
  isSet: (name: string) => boolean,
  read: (name: string) => string | undefined,
  defaults: ServiceStackSettings,
  environment: EnvironmentName,
): string[] {
  const problems: string[] = [];
  if (read('CDKTF_ALB_INTERNAL') === 'true' && isSet('CDKTF_CERTIFICATE_ARN')) {
    problems.push('CDKTF_CERTIFICATE_ARN: the internal load balancer serves HTTP only; unset it, or CDKTF_ALB_INTERNAL');
  }
  const file = read('CDKTF_SERVICES_FILE');
  if (file !== undefined) {
    for (const key of Object.keys(DEFAULT_SERVICE_VARIABLES).filter(isSet)) {
      problems.push(`${key}: sets the default service, which CDKTF_SERVICES_FILE (${file}) replaces; set the field in that file instead, or unset ${key}`);
    }
  } else if (defaults.services.every((s) => s.scaling === undefined)) {
    for (const key of ['CDKTF_MIN_TASKS', 'CDKTF_MAX_TASKS'].filter(isSet)) {
      problems.push(
        `${key}: "${read(key)}" sets an autoscaling bound, but ${environment} has no autoscaling (scripts/lib/emulator.ts: moto cannot create scaling targets); unset ${key} and use CDKTF_DESIRED_COUNT`,
      );
    }
  }
  return problems;
}
