/**
 * Typed settings of the `service` stack, their per-environment defaults and their validation.
 * config.ts composes them into AppConfig and is the only place that reads variables for them.
 */
import * as path from 'node:path';
import type { EnvironmentName, NatMode } from './config';
import { CapacityProviderShare, CpuArchitecture } from './constructs/fargate-rules';
import { fargateOptionProblems } from './constructs/fargate-service';
import { parseCidr } from './constructs/cidr';
import { successCodesProblem } from './constructs/load-balancer';

/** `build` builds service/ with Docker and pushes it to ECR; `registry` runs a ready image. */
export type ImageSettings =
  | { readonly kind: 'build'; readonly contextDirectory: string; readonly dockerfile: string }
  | { readonly kind: 'registry'; readonly reference: string };

/** The one container of the task. */
export interface ContainerSettings {
  /** Port the app listens on (the service reads `PORT`). */
  readonly port: number;
  /** `uid[:gid]` to run as; unset keeps the image's USER. */
  readonly user?: string;
  readonly readonlyRootFilesystem: boolean;
  /** Directories that stay writable on a read-only root (task volumes), e.g. `/tmp`. */
  readonly writablePaths: readonly string[];
  /** Seconds from SIGTERM to SIGKILL. */
  readonly stopTimeoutSeconds: number;
  /** The app's drain deadline (`SHUTDOWN_TIMEOUT_MS`); below the stop timeout. */
  readonly shutdownTimeoutMs: number;
  /** `LOG_LEVEL` of the app. */
  readonly logLevel: string;
}

/** The application load balancer. */
export interface LoadBalancerSettings {
  /** Reachable only inside the VPC (placed in the private subnets). */
  readonly internal: boolean;
  /** HTTPS needs `certificateArn`; port 80 then redirects to 443. */
  readonly protocol: 'HTTP' | 'HTTPS';
  readonly certificateArn?: string;
  /** Client networks allowed on the listener ports. */
  readonly ingressCidrs: readonly string[];
  readonly deletionProtection: boolean;
  readonly healthCheckPath: string;
  /** e.g. `200`, or `200,401` for an app behind basic auth. */
  readonly healthCheckSuccessCodes: string;
  readonly deregistrationDelaySeconds: number;
}

/** Target tracking on CPU, memory and ALB requests per target. */
export interface AutoScalingSettings {
  readonly minCapacity: number;
  readonly maxCapacity: number;
  readonly targetCpuPercent: number;
  readonly targetMemoryPercent: number;
  /** Requests per target per minute; unset turns the request-count policy off. */
  readonly requestsPerTarget?: number;
}

/** The ECR repository. */
export interface RepositorySettings {
  /** Images kept by the lifecycle policy. */
  readonly keepImages: number;
  /** `terraform destroy` deletes the repository with its images. */
  readonly forceDelete: boolean;
}

/** Everything the `service` stack needs to know. */
export interface ServiceSettings {
  readonly image: ImageSettings;
  /** Task CPU architecture and, in build mode, the image platform. */
  readonly cpuArchitecture: CpuArchitecture;
  /** CPU units (1024 = 1 vCPU); with `memoryMiB` one of Fargate's task sizes. */
  readonly cpu: number;
  readonly memoryMiB: number;
  readonly container: ContainerSettings;
  /** Variable name → Secrets Manager or SSM ARN, e.g. BASIC_AUTH_USER / BASIC_AUTH_PASSWORD. */
  readonly secrets: Readonly<Record<string, string>>;
  readonly desiredCount: number;
  readonly minHealthyPercent: number;
  readonly maxPercent: number;
  readonly healthCheckGracePeriodSeconds: number;
  /** `private` (default; egress through NAT or endpoints) or `public` with a public IP, for VPCs without NAT. */
  readonly taskSubnets: 'private' | 'public';
  readonly enableExecuteCommand: boolean;
  /** All tasks on FARGATE_SPOT; exclusive with `capacityProviderStrategy`. */
  readonly spot: boolean;
  readonly capacityProviderStrategy?: readonly CapacityProviderShare[];
  readonly loadBalancer: LoadBalancerSettings;
  /**
   * Target tracking of the task count; undefined turns it off: `desiredCount` tasks and no
   * appautoscaling resources (the sandbox, whose emulator cannot create them: stacks/sandbox.ts).
   */
  readonly autoScaling?: AutoScalingSettings;
  readonly logRetentionDays: number;
  readonly containerInsights: 'enabled' | 'enhanced' | 'disabled';
  readonly repository: RepositorySettings;
}

/** Partial service settings, nested blocks partial too. */
export interface ServiceOverrides extends Partial<Omit<ServiceSettings, 'container' | 'loadBalancer' | 'autoScaling' | 'repository'>> {
  readonly container?: Partial<ContainerSettings>;
  readonly loadBalancer?: Partial<LoadBalancerSettings>;
  readonly autoScaling?: Partial<AutoScalingSettings>;
  readonly repository?: Partial<RepositorySettings>;
}

/**
 * The nginx of the ApplicationLoadBalancedFargateService article, in its unprivileged build: it
 * listens on 8080 as uid 101 and writes only to /tmp, so it runs with the app's hardening.
 */
export const DEMO_IMAGE = 'nginxinc/nginx-unprivileged:stable-alpine';
/**
 * The image the sandbox's task definition names. Nothing ever pulls it: the emulator runs no
 * containers, and `npm run sandbox` runs the bundle this image would copy (service/dist) instead.
 */
export const SANDBOX_IMAGE = 'localhost/bookmarks-service:sandbox';
/** Index names the service reads (`RESOURCE_CATEGORY_INDEX`, `BOOKMARK_RESOURCE_INDEX`). */
export const RESOURCE_CATEGORY_INDEX = 'byCategory';
export const BOOKMARK_RESOURCE_INDEX = 'byResource';
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** The image source of `CDKTF_IMAGE`: `build`, or `registry:<reference>`; undefined when malformed. */
export function parseImageSetting(value: string, root: string): ImageSettings | undefined {
  if (value === 'build') return buildImage(root);
  const match = /^registry:(.+)$/.exec(value);
  return match ? { kind: 'registry', reference: match[1].trim() } : undefined;
}

function buildImage(root: string): ImageSettings {
  return { kind: 'build', contextDirectory: path.join(root, 'service'), dockerfile: 'Dockerfile' };
}

/** The app container: port 8080, uid 1000 (`node`), read-only root, 20 s drain inside a 30 s stop. */
const APP_CONTAINER: ContainerSettings = {
  port: 8080,
  user: '1000',
  readonlyRootFilesystem: true,
  writablePaths: [],
  stopTimeoutSeconds: 30,
  shutdownTimeoutMs: 20_000,
  logLevel: 'info',
};

/** The service defaults of one environment; `root` is the project directory holding service/. */
export function serviceDefaults(name: EnvironmentName, root: string): ServiceSettings {
  const scaling: AutoScalingSettings = { minCapacity: 1, maxCapacity: 3, targetCpuPercent: 70, targetMemoryPercent: 80, requestsPerTarget: 1000 };
  const dev: ServiceSettings = {
    image: buildImage(root),
    cpuArchitecture: 'X86_64',
    cpu: 256,
    memoryMiB: 512,
    container: APP_CONTAINER,
    secrets: {},
    desiredCount: 1,
    minHealthyPercent: 100,
    maxPercent: 200,
    healthCheckGracePeriodSeconds: 60,
    taskSubnets: 'private',
    enableExecuteCommand: false,
    // Spot is up to 70 % cheaper; an interrupted dev task is replaced within a minute or two.
    spot: true,
    loadBalancer: {
      internal: false,
      protocol: 'HTTP',
      ingressCidrs: ['0.0.0.0/0'],
      deletionProtection: false,
      healthCheckPath: '/health',
      healthCheckSuccessCodes: '200',
      deregistrationDelaySeconds: 30,
    },
    autoScaling: scaling,
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
        image: { kind: 'registry', reference: DEMO_IMAGE },
        container: { ...APP_CONTAINER, user: '101', writablePaths: ['/tmp'] },
        spot: false,
        // The local network has no NAT gateway: tasks need public IPs to pull the image.
        taskSubnets: 'public',
        loadBalancer: { ...dev.loadBalancer, healthCheckPath: '/' },
        autoScaling: { ...scaling, maxCapacity: 2 },
        logRetentionDays: 7,
        repository: { keepImages: 5, forceDelete: true },
      };
    case 'dev':
      return dev;
    case 'sandbox':
      // dev in registry mode (the sandbox has no Docker engine), without autoscaling (moto cannot create it).
      return { ...dev, image: { kind: 'registry', reference: SANDBOX_IMAGE }, autoScaling: undefined };
    case 'prod':
      return {
        ...dev,
        cpu: 512,
        memoryMiB: 1024,
        desiredCount: 2,
        spot: false,
        // Two on-demand tasks always run; beyond them, one Spot task per on-demand task.
        capacityProviderStrategy: [
          { capacityProvider: 'FARGATE', base: 2, weight: 1 },
          { capacityProvider: 'FARGATE_SPOT', weight: 1 },
        ],
        loadBalancer: { ...dev.loadBalancer, deletionProtection: true },
        autoScaling: { ...scaling, minCapacity: 2, maxCapacity: 10 },
        logRetentionDays: 90,
        repository: { keepImages: 30, forceDelete: false },
      };
  }
}

/** Applies overrides to defaults, block by block. */
export function mergeServiceSettings(defaults: ServiceSettings, overrides: ServiceOverrides = {}): ServiceSettings {
  // An explicit strategy or spot flag replaces the other, so that `spot: true` alone means all Spot.
  const strategy =
    overrides.capacityProviderStrategy !== undefined ? overrides.capacityProviderStrategy : overrides.spot !== undefined ? undefined : defaults.capacityProviderStrategy;
  const spot = overrides.spot ?? (overrides.capacityProviderStrategy !== undefined ? false : defaults.spot);
  return {
    ...defaults,
    ...overrides,
    spot,
    capacityProviderStrategy: strategy,
    container: { ...defaults.container, ...overrides.container },
    loadBalancer: { ...defaults.loadBalancer, ...overrides.loadBalancer },
    // Autoscaling stays off where the environment turns it off; config.ts refuses bounds for it.
    autoScaling: defaults.autoScaling && { ...defaults.autoScaling, ...overrides.autoScaling },
    repository: { ...defaults.repository, ...overrides.repository },
  };
}

/** What the service validation needs to know about the rest of the configuration. */
export interface ServiceValidationContext {
  readonly availabilityZones: readonly string[];
  readonly natMode: NatMode;
  readonly interfaceEndpoints: readonly string[];
}

/** Every problem with the service settings, each prefixed `service.` and naming the fix. */
export function validateServiceSettings(settings: ServiceSettings, context: ServiceValidationContext): string[] {
  const problems: string[] = [];
  const { container, loadBalancer: lb, image } = settings;

  problems.push(
    ...fargateOptionProblems({
      cpu: settings.cpu,
      memoryMiB: settings.memoryMiB,
      cpuArchitecture: settings.cpuArchitecture,
      spot: settings.spot,
      capacityProviderStrategy: settings.capacityProviderStrategy,
      secrets: settings.secrets,
      readonlyRootFilesystem: container.readonlyRootFilesystem,
      stopTimeoutSeconds: container.stopTimeoutSeconds,
      logRetentionDays: settings.logRetentionDays,
      desiredCount: settings.desiredCount,
      minHealthyPercent: settings.minHealthyPercent,
      maxPercent: settings.maxPercent,
      healthCheckGracePeriodSeconds: settings.healthCheckGracePeriodSeconds,
      enableExecuteCommand: settings.enableExecuteCommand,
      autoScaling: settings.autoScaling,
    }),
  );

  if (image.kind === 'registry' && image.reference === '') {
    problems.push('image: the registry reference is empty; set CDKTF_IMAGE=registry:<image>, e.g. registry:public.ecr.aws/nginx/nginx:stable');
  }
  if (image.kind === 'build' && !path.isAbsolute(image.contextDirectory)) {
    problems.push(`image.contextDirectory: "${image.contextDirectory}" is relative; give an absolute directory`);
  }
  if (!Number.isInteger(container.port) || container.port < 1 || container.port > 65535) {
    problems.push(`container.port ${container.port} is not a TCP port; use 1 to 65535, e.g. 8080`);
  }
  if (container.user !== undefined && /^(0|root)(:|$)/.test(container.user)) {
    problems.push(`container.user "${container.user}" is root; run as an unprivileged uid such as 1000, or unset it to keep the image's USER`);
  }
  if (!(container.shutdownTimeoutMs > 0) || container.shutdownTimeoutMs >= container.stopTimeoutSeconds * 1000) {
    problems.push(
      `container.shutdownTimeoutMs ${container.shutdownTimeoutMs} must be above 0 and below the stop timeout of ${container.stopTimeoutSeconds * 1000} ms, or ECS kills requests mid-drain; e.g. 20000 with a 30 s stop timeout`,
    );
  }
  if (!(LOG_LEVELS as readonly string[]).includes(container.logLevel)) {
    problems.push(`container.logLevel "${container.logLevel}" is not a log level; use one of ${LOG_LEVELS.join(', ')}`);
  }

  if (lb.protocol === 'HTTPS' && !lb.certificateArn) {
    problems.push('loadBalancer.protocol is HTTPS but no certificate is set; set CDKTF_CERTIFICATE_ARN to an ACM certificate ARN of the region');
  }
  if (lb.protocol === 'HTTP' && lb.certificateArn) {
    problems.push('loadBalancer.certificateArn is set but protocol is HTTP; set protocol HTTPS to use it, or remove the certificate');
  }
  if (lb.protocol !== 'HTTP' && lb.protocol !== 'HTTPS') {
    problems.push(`loadBalancer.protocol "${lb.protocol}" is unknown; use HTTP or HTTPS`);
  }
  if (lb.certificateArn && !/^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/.+/.test(lb.certificateArn)) {
    problems.push(`loadBalancer.certificateArn "${lb.certificateArn}" is not an ACM certificate ARN; use arn:aws:acm:<region>:<account>:certificate/<id>`);
  }
  if (lb.ingressCidrs.length === 0) problems.push('loadBalancer.ingressCidrs is empty; list the client networks, e.g. 0.0.0.0/0');
  for (const cidr of lb.ingressCidrs) {
    if (!parseCidr(cidr)) problems.push(`loadBalancer.ingressCidrs: "${cidr}" is not an IPv4 CIDR block; use one like 203.0.113.0/24`);
  }
  const codes = successCodesProblem(lb.healthCheckSuccessCodes);
  if (codes) problems.push(`loadBalancer.${codes}`);
  if (!lb.healthCheckPath.startsWith('/')) problems.push(`loadBalancer.healthCheckPath "${lb.healthCheckPath}" must start with "/", e.g. /health`);
  if (!Number.isInteger(lb.deregistrationDelaySeconds) || lb.deregistrationDelaySeconds < 0 || lb.deregistrationDelaySeconds > 3600) {
    problems.push(`loadBalancer.deregistrationDelaySeconds ${lb.deregistrationDelaySeconds} is out of range; use 0 to 3600, e.g. 30`);
  }
  // Zero zones is the network's own problem; one zone is enough for it but not for a load balancer.
  if (context.availabilityZones.length === 1) {
    problems.push(`network.availabilityZones lists one zone; the service's load balancer needs at least two, e.g. ${context.availabilityZones[0]},<another zone>`);
  }

  if (settings.taskSubnets !== 'private' && settings.taskSubnets !== 'public') {
    problems.push(`taskSubnets "${settings.taskSubnets}" is unknown; use private or public`);
  }
  if (!Number.isInteger(settings.repository.keepImages) || settings.repository.keepImages < 1 || settings.repository.keepImages > 1000) {
    problems.push(`repository.keepImages ${settings.repository.keepImages} is out of range; keep 1 to 1000 images`);
  }
  return problems.map((problem) => `service.${problem}`);
}

/**
 * Why tasks in private subnets could not reach ECR and CloudWatch Logs in this network, or
 * undefined when they can: without NAT they need the ecr.api, ecr.dkr and logs endpoints.
 */
export function privateEgressWarning(settings: ServiceSettings, context: ServiceValidationContext): string | undefined {
  const endpoints = ['ecr.api', 'ecr.dkr', 'logs'];
  if (settings.taskSubnets !== 'private' || context.natMode !== 'none') return undefined;
  if (endpoints.every((e) => context.interfaceEndpoints.includes(e))) return undefined;
  return 'tasks run in private subnets, but the network has no NAT gateway and lacks the ecr.api, ecr.dkr and logs endpoints, so they cannot pull images or write logs; set CDKTF_TASK_SUBNETS=public, a NAT mode, or those endpoints';
}
