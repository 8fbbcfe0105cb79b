/**
 * Typed settings of the opt-in `wordpress` stack: its images, its task and service (the service
 * settings' own fields), its load balancer, file system and database, the defaults of each
 * environment, and their validation. config.ts composes them into AppConfig and is the only place
 * that reads variables for them.
 */
import * as path from 'node:path';
import { keepImagesProblem } from '../lib/image-rules';
import { certificateArnProblem, deregistrationDelayProblem, ingressCidrProblem } from '../lib/load-balancer-rules';
import { auroraSettingProblems, type EfsTransitionDays, transitionDaysProblem } from '../lib/storage-rules';
import type { EnvironmentName } from './environments';
import type { NatMode as NetworkNatMode } from './network';
import {
  DEFAULT_SCALING,
  FARGATE_CPU_SIZES,
  mergeServiceLike,
  PROD_CAPACITY_PROVIDER_STRATEGY,
  PROD_REPOSITORY,
  SANDBOX_ACCESS_LOG_DAYS,
  serviceLikeProblems,
  spotDefault,
  type HealthCheckSettings,
  type ImageSettings,
  type LoadBalancerSettings,
  type RepositorySettings,
  type ScalingSettings,
  type ServiceLikeSettings,
} from './service';
import { type GroupVariables, text, unset, value, variable } from './spec';

/** The two images of the WordPress task. */
export interface WordPressImages {
  /** nginx: static files from the web root, PHP to php-fpm on 127.0.0.1:9000. */
  readonly nginx: ImageSettings;
  /** php-fpm with WordPress, listening on 9000. */
  readonly php: ImageSettings;
}

/** `build`: both images built with Docker from service/wordpress/ and pushed to ECR; `registry`: published images. */
export type WordPressImageMode = ImageSettings['kind'];

/**
 * The task and the service, in the service settings' own fields (and checked by the same rules):
 * size, architecture, count, scaling, capacity, ECS Exec, subnets, deployment and health check.
 */
export type WordPressServiceSettings = ServiceLikeSettings;

/** The EFS file system that holds the web root. */
export interface WordPressFileSystemSettings {
  /** Daily AWS Backup of the file system; the emulated AWS lacks the API. */
  readonly backups: boolean;
  /** Days unread before a file moves to Infrequent Access, or `never`. */
  readonly transitionToIaDays: EfsTransitionDays | 'never';
  readonly throughputMode: 'bursting' | 'elastic';
  /** Terraform refuses any plan that destroys the file system. */
  readonly preventDestroy: boolean;
}

/** The Aurora MySQL Serverless v2 cluster. */
export interface WordPressDatabaseSettings {
  /** Schema created with the cluster (`WORDPRESS_DB_NAME`). */
  readonly databaseName: string;
  /** Lowest capacity in ACU (1 ACU ≈ 2 GiB), in steps of 0.5; the hourly floor of the bill. */
  readonly minCapacityAcu: number;
  readonly maxCapacityAcu: number;
  /** Days of automated backups, 1 to 35. */
  readonly backupRetentionDays: number;
  /** RDS refuses to delete the cluster while this is on. */
  readonly deletionProtection: boolean;
  /** A snapshot is taken when the cluster is deleted. */
  readonly finalSnapshot: boolean;
  /** Terraform refuses any plan that destroys the cluster. */
  readonly preventDestroy: boolean;
  /** Logs exported to CloudWatch Logs, kept `logRetentionDays`. */
  readonly cloudwatchLogsExports: readonly AuroraLogType[];
  /** Performance Insights, with the free 7 days of history. */
  readonly performanceInsights: boolean;
  /** Seconds between enhanced-monitoring samples (1, 5, 10, 15, 30 or 60); 0: off. */
  readonly monitoringIntervalSeconds: number;
}

/** The Aurora MySQL logs that can be exported. */
export const AURORA_LOG_TYPES = ['audit', 'error', 'general', 'slowquery'] as const;
export type AuroraLogType = (typeof AURORA_LOG_TYPES)[number];
/** Enhanced-monitoring intervals RDS takes; 0 is off. */
export const MONITORING_INTERVALS: readonly number[] = [0, 1, 5, 10, 15, 30, 60];

/** Everything the `wordpress` stack needs to know. */
export interface WordPressSettings extends WordPressServiceSettings {
  /** Synthesize the stack (`CDKTF_WORDPRESS=true`); off, the app is exactly the three stacks. */
  readonly enabled: boolean;
  readonly images: WordPressImages;
  /** ACM certificate: the load balancer serves HTTPS on 443 and port 80 redirects; unset, HTTP on 80. */
  readonly certificateArn?: string;
  readonly loadBalancer: LoadBalancerSettings;
  readonly logRetentionDays: number;
  readonly containerInsights: 'enabled' | 'enhanced' | 'disabled';
  /** The two ECR repositories. */
  readonly repository: RepositorySettings;
  readonly fileSystem: WordPressFileSystemSettings;
  readonly database: WordPressDatabaseSettings;
  /** Days an AWS Backup plan of the stack keeps daily recovery points of the file system and the database; 0: no plan. */
  readonly backupPlanDays: number;
}

/** Partial settings, nested blocks partial too; `scaling: null` removes scaling. */
export interface WordPressOverrides extends Partial<Omit<WordPressSettings, 'images' | 'healthCheck' | 'scaling' | 'loadBalancer' | 'repository' | 'fileSystem' | 'database'>> {
  readonly images?: Partial<WordPressImages>;
  readonly healthCheck?: Partial<HealthCheckSettings>;
  readonly scaling?: Partial<ScalingSettings> | null;
  readonly loadBalancer?: Partial<LoadBalancerSettings>;
  readonly repository?: Partial<RepositorySettings>;
  readonly fileSystem?: Partial<WordPressFileSystemSettings>;
  readonly database?: Partial<WordPressDatabaseSettings>;
}

/**
 * The published images of registry mode: the pinned bases of service/wordpress/*\/Dockerfile. The
 * php-fpm one runs WordPress as it is (2 MB uploads); the nginx one has no PHP configuration, so
 * a working site needs the image built from service/wordpress/nginx, published (see docs/wordpress.md).
 */
export const WORDPRESS_REGISTRY_IMAGES: Readonly<Record<keyof WordPressImages, string>> = {
  nginx: 'nginxinc/nginx-unprivileged:1.28.0-alpine',
  php: 'wordpress:6.8.1-php8.3-fpm',
};

/** The build contexts of the two images, below the project directory. */
export const WORDPRESS_BUILD_CONTEXTS: Readonly<Record<keyof WordPressImages, string>> = {
  nginx: path.join('service', 'wordpress', 'nginx'),
  php: path.join('service', 'wordpress', 'php-fpm'),
};

/** The images of a mode; in registry mode, `references` replace the pinned defaults. */
export function wordpressImages(mode: WordPressImageMode, root: string, references: Partial<Record<keyof WordPressImages, string>> = {}): WordPressImages {
  const image = (key: keyof WordPressImages): ImageSettings =>
    mode === 'build'
      ? { kind: 'build', contextDirectory: path.join(root, WORDPRESS_BUILD_CONTEXTS[key]), dockerfile: 'Dockerfile' }
      : { kind: 'registry', reference: references[key] ?? WORDPRESS_REGISTRY_IMAGES[key] };
  return { nginx: image('nginx'), php: image('php') };
}

/** The installer answers `/` with 302 to wp-admin/install.php until the site is set up. */
const WORDPRESS_HEALTH_CHECK: HealthCheckSettings = { path: '/', codes: '200,302' };

/** dev: a small site on Spot, its files backed up, its file system and database protected from `terraform destroy`. */
function devDefaults(root: string): WordPressSettings {
  return {
    enabled: false,
    images: wordpressImages('build', root),
    cpuArchitecture: 'X86_64',
    // Two containers: nginx needs little, php-fpm with WordPress about 256 MB per busy worker.
    cpu: 512,
    memoryMiB: 1024,
    desiredCount: 1,
    scaling: DEFAULT_SCALING,
    spot: true,
    enableExecuteCommand: false,
    subnets: 'private',
    minHealthyPercent: 100,
    maxPercent: 200,
    // The first task copies WordPress onto the empty file system before php-fpm starts.
    healthCheckGracePeriodSeconds: 300,
    healthCheck: WORDPRESS_HEALTH_CHECK,
    loadBalancer: { ingressCidrs: ['0.0.0.0/0'], deletionProtection: false, deregistrationDelaySeconds: 30, httpsRequired: false, accessLogDays: 0, webAcl: false },
    logRetentionDays: 14,
    containerInsights: 'enabled',
    repository: { keepImages: 10, forceDelete: true },
    fileSystem: { backups: true, transitionToIaDays: 30, throughputMode: 'bursting', preventDestroy: true },
    // The health check requests `/`, which queries the database every 10 s, so a minimum of 0
    // (auto-pause) would never pause while a task runs; 0.5 ACU is the floor that is paid anyway.
    database: {
      databaseName: 'wordpress',
      minCapacityAcu: 0.5,
      maxCapacityAcu: 2,
      backupRetentionDays: 1,
      deletionProtection: false,
      finalSnapshot: false,
      preventDestroy: true,
      cloudwatchLogsExports: [],
      performanceInsights: false,
      monitoringIntervalSeconds: 0,
    },
    backupPlanDays: 0,
  };
}

/**
 * Settings for an environment whose resources are thrown away, such as one on the emulated AWS:
 * published images (no Docker), no EFS backups and no autoscaling (the emulator cannot create
 * either: scripts/lib/emulator.ts), and nothing that stops a destroy.
 */
export function throwawayWordPress(settings: WordPressSettings, root: string): WordPressSettings {
  return {
    ...settings,
    images: wordpressImages('registry', root),
    scaling: undefined,
    spot: false,
    capacityProviderStrategy: undefined,
    loadBalancer: { ...settings.loadBalancer, deletionProtection: false },
    repository: { ...settings.repository, forceDelete: true },
    fileSystem: { ...settings.fileSystem, backups: false, preventDestroy: false },
    database: { ...settings.database, backupRetentionDays: 1, deletionProtection: false, finalSnapshot: false, preventDestroy: false },
  };
}

/**
 * The defaults of each environment. An environment added to ENVIRONMENT_NAMES needs its entry
 * here (the compiler asks for it); one on the emulated AWS is `throwawayWordPress` of another.
 */
const WORDPRESS_DEFAULTS: Readonly<Record<EnvironmentName, (root: string) => WordPressSettings>> = {
  // The local network has no NAT gateway: tasks get public IPs to pull the published images.
  local: (root) => ({ ...throwawayWordPress(devDefaults(root), root), subnets: 'public', logRetentionDays: 7, repository: { keepImages: 5, forceDelete: true } }),
  dev: devDefaults,
  // dev on the emulated AWS: published images, and no EFS backups or autoscaling (moto can create neither;
  // scripts/lib/emulator.ts). What prod adds that moto applies is on: access logs, the web ACL, the
  // database's log exports, Performance Insights and enhanced monitoring. The backup plan is not (moto
  // cannot create its selection).
  sandbox: (root) => {
    const dev = devDefaults(root);
    const prod = WORDPRESS_DEFAULTS.prod(root);
    return {
      ...dev,
      images: wordpressImages('registry', root),
      scaling: undefined,
      fileSystem: { ...dev.fileSystem, backups: false },
      loadBalancer: { ...dev.loadBalancer, accessLogDays: SANDBOX_ACCESS_LOG_DAYS, webAcl: true },
      database: {
        ...dev.database,
        cloudwatchLogsExports: prod.database.cloudwatchLogsExports,
        performanceInsights: prod.database.performanceInsights,
        monitoringIntervalSeconds: prod.database.monitoringIntervalSeconds,
      },
    };
  },
  prod: (root) => {
    const dev = devDefaults(root);
    return {
      ...dev,
      cpu: 1024,
      memoryMiB: 2048,
      desiredCount: 2,
      spot: false,
      capacityProviderStrategy: PROD_CAPACITY_PROVIDER_STRATEGY,
      scaling: { ...DEFAULT_SCALING, minTasks: 2, maxTasks: 6 },
      loadBalancer: { ...dev.loadBalancer, deletionProtection: true, httpsRequired: true, accessLogDays: 90, webAcl: true },
      logRetentionDays: 90,
      repository: PROD_REPOSITORY,
      database: {
        ...dev.database,
        minCapacityAcu: 1,
        maxCapacityAcu: 8,
        backupRetentionDays: 14,
        deletionProtection: true,
        finalSnapshot: true,
        preventDestroy: true,
        // The audit log records logins and privilege changes; general logs every query and is left off (cost).
        cloudwatchLogsExports: ['audit', 'error', 'slowquery'],
        performanceInsights: true,
        monitoringIntervalSeconds: 60,
      },
      backupPlanDays: 35,
    };
  },
};

/** The WordPress defaults of one environment; `root` is the project directory holding service/wordpress/. */
export function wordpressDefaults(name: EnvironmentName, root: string): WordPressSettings {
  return WORDPRESS_DEFAULTS[name](root);
}

/** Applies overrides block by block; the service-like fields merge as a service's do. */
export function mergeWordPressSettings(defaults: WordPressSettings, overrides: WordPressOverrides = {}): WordPressSettings {
  return {
    ...mergeServiceLike(defaults, overrides),
    images: { ...defaults.images, ...overrides.images },
    loadBalancer: { ...defaults.loadBalancer, ...overrides.loadBalancer },
    repository: { ...defaults.repository, ...overrides.repository },
    fileSystem: { ...defaults.fileSystem, ...overrides.fileSystem },
    database: { ...defaults.database, ...overrides.database },
  };
}

/** The variable that sets each setting, named in its problems. */
const VARIABLE_OF: readonly (readonly [string, string])[] = [
  ['images.nginx', 'CDKTF_WORDPRESS_NGINX_IMAGE'],
  ['images.php', 'CDKTF_WORDPRESS_PHP_IMAGE'],
  ['cpu', 'CDKTF_WORDPRESS_TASK_CPU / CDKTF_WORDPRESS_TASK_MEMORY'],
  ['desiredCount', 'CDKTF_WORDPRESS_DESIRED_COUNT'],
  ['scaling.minTasks', 'CDKTF_WORDPRESS_MIN_TASKS'],
  ['scaling.maxTasks', 'CDKTF_WORDPRESS_MAX_TASKS'],
  ['certificateArn', 'CDKTF_WORDPRESS_CERTIFICATE_ARN'],
  ['subnets', 'CDKTF_WORDPRESS_TASK_SUBNETS'],
  ['database.minCapacityAcu', 'CDKTF_WORDPRESS_DB_MIN_ACU'],
  ['database.maxCapacityAcu', 'CDKTF_WORDPRESS_DB_MAX_ACU'],
  ['database.backupRetentionDays', 'CDKTF_WORDPRESS_DB_BACKUP_DAYS'],
];

/** `wordpress.<problem>`, with the variable that sets it when there is one. */
function located(problem: string): string {
  const variable = VARIABLE_OF.find(([key]) => problem.startsWith(`${key} `) || problem.startsWith(`${key}:`))?.[1];
  return `wordpress.${problem}${variable ? ` (set by ${variable})` : ''}`;
}

/** What the WordPress validation needs to know about the network. */
export interface WordPressValidationContext {
  readonly availabilityZones: readonly string[];
  readonly natMode: NetworkNatMode;
}

/** Every problem with the WordPress settings, each naming its path (`wordpress.database.minCapacityAcu`), the variable and the fix. */
export function validateWordPressSettings(settings: WordPressSettings, context: WordPressValidationContext): string[] {
  const problems: string[] = [];
  for (const key of ['nginx', 'php'] as const) {
    const image = settings.images[key];
    if (image.kind === 'registry' && image.reference.trim() === '') {
      problems.push(`images.${key}: the registry reference is empty; give a pullable image, e.g. ${WORDPRESS_REGISTRY_IMAGES[key]}`);
    }
    if (image.kind === 'build' && !path.isAbsolute(image.contextDirectory)) {
      problems.push(`images.${key}.contextDirectory: "${image.contextDirectory}" is relative; give an absolute directory`);
    }
  }
  problems.push(...serviceLikeProblems(settings, settings.logRetentionDays));
  const certificate = settings.certificateArn === undefined ? undefined : certificateArnProblem(settings.certificateArn);
  if (certificate) problems.push(`certificateArn: ${certificate}`);
  if (settings.enabled && settings.loadBalancer.httpsRequired && settings.certificateArn === undefined) {
    problems.push(
      'certificateArn: unset, so WordPress would serve its login over plain HTTP on port 80, and this environment requires HTTPS; set an ACM certificate of the region, e.g. arn:aws:acm:eu-west-1:123456789012:certificate/<id>',
    );
  }

  const lb = settings.loadBalancer;
  if (lb.ingressCidrs.length === 0) problems.push('loadBalancer.ingressCidrs is empty; list the client networks, e.g. 0.0.0.0/0');
  for (const cidr of lb.ingressCidrs) {
    const problem = ingressCidrProblem(cidr);
    if (problem) problems.push(`loadBalancer.ingressCidrs: ${problem}`);
  }
  const delay = deregistrationDelayProblem(lb.deregistrationDelaySeconds);
  if (delay) problems.push(`loadBalancer.${delay}`);
  const keep = keepImagesProblem(settings.repository.keepImages);
  if (keep) problems.push(`repository.${keep}`);

  const transition = transitionDaysProblem(settings.fileSystem.transitionToIaDays);
  if (transition) problems.push(`fileSystem.${transition}`);
  if (!['bursting', 'elastic'].includes(settings.fileSystem.throughputMode)) {
    problems.push(`fileSystem.throughputMode "${settings.fileSystem.throughputMode}" is unknown; use bursting or elastic`);
  }
  problems.push(...auroraSettingProblems(settings.database).map((p) => `database.${p}`));
  if (!MONITORING_INTERVALS.includes(settings.database.monitoringIntervalSeconds)) {
    problems.push(`database.monitoringIntervalSeconds ${settings.database.monitoringIntervalSeconds} is not an interval RDS takes; use ${MONITORING_INTERVALS.join(', ')}`);
  }
  for (const type of settings.database.cloudwatchLogsExports) {
    if (!(AURORA_LOG_TYPES as readonly string[]).includes(type))
      problems.push(`database.cloudwatchLogsExports: "${type}" is not an Aurora MySQL log; use ${AURORA_LOG_TYPES.join(', ')}`);
  }
  if (!Number.isInteger(settings.backupPlanDays) || settings.backupPlanDays < 0 || settings.backupPlanDays > 36500) {
    problems.push(`backupPlanDays ${settings.backupPlanDays} is out of range; use 0 (no plan) to 36500, e.g. 35`);
  }
  // The load balancer and the DB subnet group both need two zones; one zone is only a problem when the stack is on.
  if (settings.enabled && context.availabilityZones.length === 1) {
    problems.push(
      `network.availabilityZones lists one zone; the load balancer and the database need at least two, e.g. ${context.availabilityZones[0]},<another zone> (CDKTF_AZS)`,
    );
  }
  return problems.map(located);
}

/** Why the tasks could not start in this network, or undefined: private subnets without NAT reach neither the registry nor Secrets Manager. */
export function wordpressEgressWarning(settings: WordPressSettings, context: WordPressValidationContext): string | undefined {
  if (settings.subnets !== 'private' || context.natMode !== 'none') return undefined;
  return 'the WordPress tasks run in private subnets, but the network has no NAT gateway, so they can neither pull their images nor read the database secret; set CDKTF_WORDPRESS_TASK_SUBNETS=public or a NAT mode (CDKTF_NAT_MODE=single)';
}

/** Why the nginx of registry mode serves no WordPress, or undefined: the pinned upstream image has no PHP configuration. */
export function upstreamNginxWarning(settings: WordPressSettings): string | undefined {
  const { nginx } = settings.images;
  if (nginx.kind !== 'registry' || nginx.reference !== WORDPRESS_REGISTRY_IMAGES.nginx) return undefined;
  return `the nginx image is the upstream ${nginx.reference}, which does not pass PHP to php-fpm (it serves its welcome page); publish the image built from service/wordpress/nginx and set CDKTF_WORDPRESS_NGINX_IMAGE to it`;
}

/** What the WordPress variables set, before the image mode and its references are combined. */
export interface WordPressDraft extends WordPressOverrides {
  readonly imageMode?: WordPressImageMode;
  readonly references?: Partial<Record<keyof WordPressImages, string>>;
  /** `CDKTF_WORDPRESS_AUTOSCALING`: false removes scaling, true keeps or adds it. */
  readonly autoscaling?: boolean;
}

const scalingOf = (o: WordPressDraft): Partial<ScalingSettings> => (o.scaling === null || o.scaling === undefined ? {} : o.scaling);

/** The WordPress variables. */
export const WORDPRESS_VARIABLES = {
  CDKTF_WORDPRESS: variable({
    group: 'wordpress',
    description: 'synthesize the wordpress stack (WordPress on Fargate with EFS and Aurora); deploy it with cdktf deploy network wordpress',
    values: 'true, false',
    parse: text.boolean(),
    apply: (o, enabled) => ({ ...o, enabled }),
    defaultIn: (d) => value(d.enabled),
  }),
  CDKTF_WORDPRESS_IMAGES: variable({
    group: 'wordpress',
    description: 'build: Docker builds of service/wordpress/nginx and php-fpm, pushed to ECR; registry: published images, no Docker',
    values: 'build, registry',
    parse: text
      .any()
      .refine((v) => v === 'build' || v === 'registry', { error: 'is not an image mode; use build (Docker builds service/wordpress/*) or registry (published images)' })
      .transform((v) => v as WordPressImageMode),
    apply: (o, imageMode) => ({ ...o, imageMode }),
    defaultIn: (d) => value(d.images.nginx.kind),
  }),
  CDKTF_WORDPRESS_NGINX_IMAGE: variable({
    group: 'wordpress',
    description: 'registry mode: the nginx image (the upstream default serves no PHP: publish service/wordpress/nginx)',
    values: 'an image reference',
    parse: text.any(),
    apply: (o, nginx) => ({ ...o, references: { ...o.references, nginx } }),
    defaultIn: (d) => (d.images.nginx.kind === 'registry' ? value(d.images.nginx.reference) : unset('built')),
  }),
  CDKTF_WORDPRESS_PHP_IMAGE: variable({
    group: 'wordpress',
    description: 'registry mode: the php-fpm image (the upstream default allows 2 MB uploads)',
    values: 'an image reference',
    parse: text.any(),
    apply: (o, php) => ({ ...o, references: { ...o.references, php } }),
    defaultIn: (d) => (d.images.php.kind === 'registry' ? value(d.images.php.reference) : unset('built')),
  }),
  CDKTF_WORDPRESS_TASK_CPU: variable({
    group: 'wordpress',
    description: 'task CPU units of the nginx + php-fpm task',
    values: FARGATE_CPU_SIZES.join(', '),
    parse: text.integerOf(FARGATE_CPU_SIZES, 'a Fargate CPU size'),
    apply: (o, cpu) => ({ ...o, cpu }),
    defaultIn: (d) => value(d.cpu),
  }),
  CDKTF_WORDPRESS_TASK_MEMORY: variable({
    group: 'wordpress',
    description: 'task memory in MiB',
    values: 'a Fargate pair with the CPU',
    parse: text.integer(2048, 1),
    apply: (o, memoryMiB) => ({ ...o, memoryMiB }),
    defaultIn: (d) => value(d.memoryMiB),
  }),
  CDKTF_WORDPRESS_EPHEMERAL_STORAGE: variable({
    group: 'wordpress',
    description: 'ephemeral storage of the WordPress task in GiB (billed above the free 20 GiB)',
    values: '21 to 200',
    parse: text.integer(30),
    apply: (o, ephemeralStorageGiB) => ({ ...o, ephemeralStorageGiB }),
    defaultIn: (d) => (d.ephemeralStorageGiB === undefined ? unset('20 GiB, free') : value(d.ephemeralStorageGiB)),
  }),
  CDKTF_WORDPRESS_DESIRED_COUNT: variable({
    group: 'wordpress',
    description: 'WordPress tasks at the first deployment',
    values: 'a whole number',
    parse: text.integer(2),
    apply: (o, desiredCount) => ({ ...o, desiredCount }),
    defaultIn: (d) => value(d.desiredCount),
  }),
  CDKTF_WORDPRESS_AUTOSCALING: variable({
    group: 'wordpress',
    description: 'false: a fixed task count and no scaling resources; true: scaling between the min and max tasks',
    values: 'true, false',
    parse: text.boolean(),
    apply: (o, autoscaling) => ({ ...o, autoscaling }),
    defaultIn: (d) => value(d.scaling !== undefined),
  }),
  CDKTF_WORDPRESS_MIN_TASKS: variable({
    group: 'wordpress',
    description: 'autoscaling minimum of the WordPress tasks',
    values: 'a whole number',
    parse: text.integer(2),
    apply: (o, minTasks) => ({ ...o, scaling: { ...scalingOf(o), minTasks } }),
    defaultIn: (d) => (d.scaling ? value(d.scaling.minTasks) : unset('no scaling')),
  }),
  CDKTF_WORDPRESS_MAX_TASKS: variable({
    group: 'wordpress',
    description: 'autoscaling maximum of the WordPress tasks',
    values: 'a whole number',
    parse: text.integer(4),
    apply: (o, maxTasks) => ({ ...o, scaling: { ...scalingOf(o), maxTasks } }),
    defaultIn: (d) => (d.scaling ? value(d.scaling.maxTasks) : unset('no scaling')),
  }),
  CDKTF_WORDPRESS_SPOT: variable({
    group: 'wordpress',
    description: 'true: every WordPress task on FARGATE_SPOT; false: every task on FARGATE',
    values: 'true, false',
    parse: text.boolean(),
    apply: (o, spot) => ({ ...o, spot }),
    defaultIn: (d) => spotDefault(d),
  }),
  CDKTF_WORDPRESS_ECS_EXEC: variable({
    group: 'wordpress',
    description: 'ECS Exec into the WordPress containers (their root filesystems become writable)',
    values: 'true, false',
    parse: text.boolean(),
    apply: (o, enableExecuteCommand) => ({ ...o, enableExecuteCommand }),
    defaultIn: (d) => value(d.enableExecuteCommand),
  }),
  CDKTF_WORDPRESS_TASK_SUBNETS: variable({
    group: 'wordpress',
    description: 'task subnets: private, or public with a public IP (for VPCs without NAT)',
    values: 'private, public',
    parse: text.oneOf(['private', 'public'] as const, 'a kind of subnet'),
    apply: (o, subnets) => ({ ...o, subnets }),
    defaultIn: (d) => value(d.subnets),
  }),
  CDKTF_WORDPRESS_CERTIFICATE_ARN: variable({
    group: 'wordpress',
    description: 'ACM certificate: WordPress on HTTPS 443, port 80 redirects to it',
    values: 'an ACM certificate ARN of the region',
    parse: text.any(),
    apply: (o, certificateArn) => ({ ...o, certificateArn }),
    defaultIn: (d, c) => {
      if (d.certificateArn) return value(d.certificateArn);
      if (d.loadBalancer.httpsRequired) return unset('refused with CDKTF_WORDPRESS=true: HTTPS is required');
      return unset(c.environment === 'dev' ? 'HTTP only, with a synth warning' : 'HTTP only');
    },
  }),
  CDKTF_WORDPRESS_ALB_ACCESS_LOG_DAYS: variable({
    group: 'wordpress',
    description: "days the access logs of WordPress's load balancer are kept in an S3 bucket of the stack",
    values: 'a whole number of days; 0 turns access logs off',
    parse: text.integer(90),
    apply: (o, accessLogDays) => ({ ...o, loadBalancer: { ...o.loadBalancer, accessLogDays } }),
    defaultIn: (d) => value(d.loadBalancer.accessLogDays),
  }),
  CDKTF_WORDPRESS_WAF: variable({
    group: 'wordpress',
    description: "a WAF web ACL in front of WordPress's load balancer: AWS managed rules (with the WordPress and PHP groups) and a rate limit per client address",
    values: 'true, false',
    parse: text.boolean(),
    apply: (o, webAcl) => ({ ...o, loadBalancer: { ...o.loadBalancer, webAcl } }),
    defaultIn: (d) => value(d.loadBalancer.webAcl),
  }),
  CDKTF_WORDPRESS_DB_LOGS: variable({
    group: 'wordpress',
    description: 'Aurora logs exported to CloudWatch Logs (kept as long as the stack logs; about 0.50 USD per GB ingested)',
    values: `comma-separated of ${AURORA_LOG_TYPES.join(', ')}; none`,
    parse: text
      .list()
      .refine((types) => types.every((t) => (AURORA_LOG_TYPES as readonly string[]).includes(t)), {
        error: `names a log Aurora MySQL does not export; use ${AURORA_LOG_TYPES.join(', ')} or none`,
      })
      .transform((types) => types as AuroraLogType[]),
    apply: (o, cloudwatchLogsExports) => ({ ...o, database: { ...o.database, cloudwatchLogsExports } }),
    defaultIn: (d) => value(d.database.cloudwatchLogsExports.join(',') || 'none'),
  }),
  CDKTF_WORDPRESS_DB_PERFORMANCE_INSIGHTS: variable({
    group: 'wordpress',
    description: 'Performance Insights on the Aurora instances (7 days of history, free)',
    values: 'true, false',
    parse: text.boolean(),
    apply: (o, performanceInsights) => ({ ...o, database: { ...o.database, performanceInsights } }),
    defaultIn: (d) => value(d.database.performanceInsights),
  }),
  CDKTF_WORDPRESS_DB_MONITORING_SECONDS: variable({
    group: 'wordpress',
    description: 'seconds between enhanced-monitoring samples of the Aurora instances (CloudWatch Logs ingestion); 0 turns it off',
    values: MONITORING_INTERVALS.join(', '),
    parse: text.integerOf(MONITORING_INTERVALS, 'an enhanced-monitoring interval'),
    apply: (o, monitoringIntervalSeconds) => ({ ...o, database: { ...o.database, monitoringIntervalSeconds } }),
    defaultIn: (d) => value(d.database.monitoringIntervalSeconds),
  }),
  CDKTF_WORDPRESS_BACKUP_PLAN_DAYS: variable({
    group: 'wordpress',
    description: 'days an AWS Backup plan keeps daily recovery points of the file system and the database (0.05 USD per GB-month of EFS backup)',
    values: 'a whole number of days; 0: no plan',
    parse: text.integer(35),
    apply: (o, backupPlanDays) => ({ ...o, backupPlanDays }),
    defaultIn: (d) => value(d.backupPlanDays),
  }),
  CDKTF_WORDPRESS_DB_MIN_ACU: variable({
    group: 'wordpress',
    description: 'Aurora Serverless v2 minimum capacity in ACU (0 pauses when idle)',
    values: '0 to 256 in steps of 0.5',
    parse: text.decimal('0.5'),
    apply: (o, minCapacityAcu) => ({ ...o, database: { ...o.database, minCapacityAcu } }),
    defaultIn: (d) => value(d.database.minCapacityAcu),
  }),
  CDKTF_WORDPRESS_DB_MAX_ACU: variable({
    group: 'wordpress',
    description: 'Aurora Serverless v2 maximum capacity in ACU',
    values: '1 to 256 in steps of 0.5',
    parse: text.decimal('0.5'),
    apply: (o, maxCapacityAcu) => ({ ...o, database: { ...o.database, maxCapacityAcu } }),
    defaultIn: (d) => value(d.database.maxCapacityAcu),
  }),
  CDKTF_WORDPRESS_DB_BACKUP_DAYS: variable({
    group: 'wordpress',
    description: 'days of Aurora automated backups',
    values: '1 to 35',
    parse: text.integer(7),
    apply: (o, backupRetentionDays) => ({ ...o, database: { ...o.database, backupRetentionDays } }),
    defaultIn: (d) => value(d.database.backupRetentionDays),
  }),
  CDKTF_WORDPRESS_EFS_BACKUPS: variable({
    group: 'wordpress',
    description: 'daily AWS Backup of the WordPress file system',
    values: 'true, false',
    parse: text.boolean(),
    apply: (o, backups) => ({ ...o, fileSystem: { ...o.fileSystem, backups } }),
    defaultIn: (d) => value(d.fileSystem.backups),
  }),
} satisfies GroupVariables<WordPressSettings, WordPressDraft>;

/**
 * The overrides the WordPress variables make, with the image mode and references combined (a
 * reference in build mode is a problem) and `CDKTF_WORDPRESS_AUTOSCALING` applied (false with a
 * bound is a problem), each problem naming its variables.
 */
export function wordpressOverridesOf(
  draft: WordPressDraft,
  defaults: WordPressSettings,
  root: string,
  environment: EnvironmentName,
): { overrides: WordPressOverrides; problems: string[] } {
  const { imageMode, references = {}, autoscaling, ...overrides } = draft;
  const problems: string[] = [];
  const mode = imageMode ?? defaults.images.nginx.kind;
  if (mode === 'build') {
    for (const key of Object.keys(references)) {
      problems.push(
        `CDKTF_WORDPRESS_${key.toUpperCase()}_IMAGE: names a published image, but the images are built${imageMode ? '' : ` (the default of ${environment})`}; set CDKTF_WORDPRESS_IMAGES=registry, or unset it`,
      );
    }
  }
  const bounded = overrides.scaling !== undefined && overrides.scaling !== null;
  if (autoscaling === false && bounded) {
    problems.push('CDKTF_WORDPRESS_AUTOSCALING: false turns scaling off, but CDKTF_WORDPRESS_MIN_TASKS or CDKTF_WORDPRESS_MAX_TASKS sets a bound; unset them, or the false');
  }
  const scaling = autoscaling === false ? null : bounded ? overrides.scaling : autoscaling ? {} : undefined;
  const images = imageMode !== undefined || Object.keys(references).length > 0 ? wordpressImages(mode, root, references) : undefined;
  return { overrides: { ...overrides, ...(scaling !== undefined ? { scaling } : {}), ...(images ? { images } : {}) }, problems };
}
