/**
 * Every environment variable `loadConfig` reads, in one typed registry: what it sets, the values it
 * takes, where it is read, and what applies when it is unset, derived from the environment defaults
 * (`environmentDefaults`) rather than written down. `loadConfig` reads variables only through
 * `variableReader`, so a variable missing here is a compile error (and a thrown one at run time);
 * docs/configuration.md's table is rendered from this registry (`npm run docs:config`).
 */
import * as path from 'node:path';
import { INTERFACE_ENDPOINTS, NAT_MODES, type AppConfig } from './app-config';
import { CPU_ARCHITECTURES, FARGATE_TASK_SIZES, type CapacityProviderShare } from '../lib/fargate-rules';
import { LOG_RETENTION_DAYS } from '../lib/log-retention';
import { ENVIRONMENT_NAMES, type EnvironmentName } from './environments';
import { privateZoneName } from '../lib/naming';
import { emulatorUrl } from './emulator';
import { LOG_LEVELS, type ImageSettings } from './service';

/** The environment when `CDKTF_ENV` is unset. */
export const DEFAULT_ENVIRONMENT: EnvironmentName = 'local';

/**
 * What applies when a variable is unset in one environment: a `value` the variable could be set to
 * (rendered as code), what happens instead when the variable has no default (`unset`), or that the
 * environment does not read it at all (`ignored`, with the reason).
 */
export type VariableDefault =
  | { readonly kind: 'value'; readonly value: string }
  | { readonly kind: 'unset'; readonly meaning: string }
  | { readonly kind: 'ignored'; readonly reason: string };

/** The sections of the configuration table, in order. */
export const VARIABLE_GROUPS = {
  environment: 'Environment and names',
  network: 'Network',
  state: 'Terraform state',
  data: 'Data',
  emulators: 'Local emulators',
  services: 'Services: the whole service stack',
  'default service': 'The default service (not with CDKTF_SERVICES_FILE)',
  wordpress: 'WordPress (the opt-in wordpress stack)',
} as const;
export type VariableGroup = keyof typeof VARIABLE_GROUPS;

/** One variable that `loadConfig` reads. */
export interface VariableSpec {
  readonly group: VariableGroup;
  /** What it sets, in a phrase. */
  readonly description: string;
  /** The values it takes, e.g. `none, single, per-az`. */
  readonly values: string;
  /**
   * The environments whose configuration reads it; in any other, the reader answers undefined.
   * @default - every environment
   */
  readonly environments?: readonly EnvironmentName[];
  /** What applies when it is unset, from the environment's defaults; `root` is the project directory they were built for. */
  defaultIn(defaults: AppConfig, root: string): VariableDefault;
}

/** Variables by name. */
export type VariableRegistry = Readonly<Record<string, VariableSpec>>;

const value = (v: string | number | boolean): VariableDefault => ({ kind: 'value', value: String(v) });
const unset = (meaning: string): VariableDefault => ({ kind: 'unset', meaning });
const ignored = (reason: string): VariableDefault => ({ kind: 'ignored', reason });
const BOOLEAN = 'true, false';
const projectPath = (root: string, directory: string) => path.relative(root, directory).split(path.sep).join('/') || '.';
const firstService = (d: AppConfig) => d.service.services[0];
const strategyText = (strategy: readonly CapacityProviderShare[]) =>
  strategy.map((s) => [s.capacityProvider, s.base ? `base ${s.base}` : '', `weight ${s.weight}`].filter((p) => p !== '').join(' ')).join(' + ');
/** `CDKTF_SPOT` and its WordPress twin: an explicit strategy is what applies when they are unset. */
const spotDefault = (s: { readonly spot: boolean; readonly capacityProviderStrategy?: readonly CapacityProviderShare[] }) =>
  s.capacityProviderStrategy ? unset(strategyText(s.capacityProviderStrategy)) : value(s.spot);
const imageSource = (image: ImageSettings, root: string) =>
  image.kind === 'registry' ? `registry:${image.reference}` : image.contextDirectory === path.join(root, 'service') ? 'build' : `build:${projectPath(root, image.contextDirectory)}`;
const portOf = (url: string) => new URL(url).port;

/** A registry whose names are kept as a type, so that a reader refuses any other name. */
const defineVariables = <N extends string>(specs: Readonly<Record<N, VariableSpec>>): Readonly<Record<N, VariableSpec>> => specs;

/** Every variable `loadConfig` reads, in the order of docs/configuration.md. */
export const VARIABLES = defineVariables({
  CDKTF_ENV: {
    group: 'environment',
    description: `the environment, a typed set of defaults (unset: ${DEFAULT_ENVIRONMENT}); sandbox is dev on the emulated AWS of a local moto server`,
    values: ENVIRONMENT_NAMES.join(', '),
    defaultIn: (d) => value(d.environment),
  },
  CDKTF_PROJECT: {
    group: 'environment',
    description: 'prefix of every physical name, `<project>-<env>-<name>`, and the Project tag',
    values: '2-16 lower-case letters, digits, hyphens',
    defaultIn: (d) => value(d.project),
  },
  CDKTF_REGION: {
    group: 'environment',
    description: 'AWS region of every stack (the zones must belong to it)',
    values: 'a region name, e.g. eu-west-1',
    defaultIn: (d) => value(d.region),
  },
  CDKTF_AZS: {
    group: 'network',
    description: 'availability zones, listed so that plans need no AWS lookup',
    values: 'comma-separated zones of the region, at most 8',
    defaultIn: (d) => value(d.network.availabilityZones.join(',')),
  },
  CDKTF_VPC_CIDR: {
    group: 'network',
    description: 'IPv4 block of the VPC',
    values: 'a CIDR block, /16 to /24',
    defaultIn: (d) => value(d.network.cidrBlock),
  },
  CDKTF_NAT_MODE: {
    group: 'network',
    description: 'NAT gateways of the private subnets: none, one for all zones, or one per zone',
    values: NAT_MODES.join(', '),
    defaultIn: (d) => value(d.network.natMode),
  },
  CDKTF_INTERFACE_ENDPOINTS: {
    group: 'network',
    description: 'interface endpoints in the private subnets (image pulls and logs without NAT)',
    values: `comma-separated ${INTERFACE_ENDPOINTS.join(', ')}; or none`,
    defaultIn: (d) => value(d.network.interfaceEndpoints.length > 0 ? d.network.interfaceEndpoints.join(',') : 'none'),
  },
  CDKTF_FLOW_LOG_DAYS: {
    group: 'network',
    description: 'days to keep VPC flow logs in CloudWatch Logs; 0 records none',
    values: `0, or a CloudWatch retention period (${LOG_RETENTION_DAYS.slice(0, 12).join(', ')}, ...)`,
    defaultIn: (d) => value(d.network.flowLogRetentionDays),
  },
  CDKTF_STATE_BUCKET: {
    group: 'state',
    description: 'S3 bucket of the Terraform state (encrypted, lockfile), one key per stack',
    values: 'a bucket name',
    defaultIn: (d) => (d.backend.kind === 's3' ? value(d.backend.bucket) : unset('local files')),
  },
  CDKTF_STATE_REGION: {
    group: 'state',
    description: 'region of the state bucket (with CDKTF_STATE_BUCKET)',
    values: 'a region name',
    defaultIn: (d) => value(d.backend.kind === 's3' ? d.backend.region : d.region),
  },
  CDKTF_STATE_KEY_PREFIX: {
    group: 'state',
    description: 'prefix of the state keys, `<prefix>/<env>/<stack>.tfstate` (with CDKTF_STATE_BUCKET)',
    values: 'text',
    defaultIn: (d) => value(d.backend.kind === 's3' ? d.backend.keyPrefix : d.project),
  },
  CDKTF_STATE_DIR: {
    group: 'state',
    description: 'directory of the local state files `<stack>.tfstate`, relative to the project; not with CDKTF_STATE_BUCKET',
    values: 'a directory',
    defaultIn: (d, root) => (d.backend.kind === 'local' ? value(projectPath(root, d.backend.directory)) : unset('S3')),
  },
  CDKTF_TEARDOWN: {
    group: 'state',
    description: 'every protection against destroy off, for a deliberate destroy: deploy with it, then destroy with it',
    values: BOOLEAN,
    defaultIn: (d) => value(d.teardown ?? false),
  },
  CDKTF_DATA_DIR: {
    group: 'data',
    description: 'directory of the table definitions and their CSV files, relative to the project',
    values: 'a directory',
    defaultIn: (d, root) => value(projectPath(root, d.data.directory)),
  },
  CDKTF_SEED_BATCH_THRESHOLD: {
    group: 'data',
    description: 'rows above which a table is seeded by the batch writer instead of one resource per row',
    values: 'a whole number',
    defaultIn: (d) => value(d.data.batchSeedingThresholdRows),
  },
  DYNAMODB_PORT: {
    group: 'emulators',
    description: 'port of the embedded DynamoDB on 127.0.0.1',
    values: 'a TCP port',
    environments: ['local'],
    defaultIn: (d) => (d.aws.endpoints.dynamodb ? value(portOf(d.aws.endpoints.dynamodb)) : unset('AWS')),
  },
  MOTO_PORT: {
    group: 'emulators',
    description: 'port of the moto server on 127.0.0.1',
    values: 'a TCP port, 1 to 65535',
    environments: ['sandbox'],
    defaultIn: (d) => value(portOf(emulatorUrl(d.aws.endpoints))),
  },
  CDKTF_SERVICES_FILE: {
    group: 'services',
    description: 'JSON file `{ "services": [...] }` that replaces the default service (docs/services.md)',
    values: 'a path relative to the project, e.g. docs/examples/three-services.json',
    defaultIn: (d) => unset(`one service, ${d.service.services.map((s) => `\`${s.name}\``).join(', ')}`),
  },
  CDKTF_ALB_INGRESS_CIDRS: {
    group: 'services',
    description: 'client networks allowed on the listener ports of the internet-facing load balancer',
    values: 'comma-separated IPv4 or IPv6 CIDR blocks',
    defaultIn: (d) => value(d.service.loadBalancers.ingressCidrs.join(',')),
  },
  CDKTF_PRIVATE_ZONE: {
    group: 'services',
    description: 'private hosted zone on the VPC, created when some service is internal',
    values: 'a DNS name',
    defaultIn: (d) => value(d.service.dns.privateZoneName ?? privateZoneName(d)),
  },
  CDKTF_PUBLIC_ZONE_ID: {
    group: 'services',
    description: 'public hosted zone: the external load balancer gets CDKTF_PUBLIC_RECORD_NAME in it, with a DNS-validated certificate',
    values: 'a Route 53 zone id',
    defaultIn: (d) => (d.service.dns.publicZoneId ? value(d.service.dns.publicZoneId) : unset('no public name')),
  },
  CDKTF_PUBLIC_RECORD_NAME: {
    group: 'services',
    description: 'public name of the external load balancer (needs CDKTF_PUBLIC_ZONE_ID)',
    values: 'a DNS name, e.g. shop.example.com',
    defaultIn: (d) => (d.service.dns.publicRecordName ? value(d.service.dns.publicRecordName) : unset('no public name')),
  },
  CDKTF_IMAGE: {
    group: 'default service',
    description: 'image source: Docker build of service/ pushed to ECR, another build context, or a ready image (no Docker)',
    values: 'build, build:<directory>, registry:<image>',
    defaultIn: (d, root) => value(imageSource(firstService(d).image, root)),
  },
  CDKTF_CPU_ARCHITECTURE: {
    group: 'default service',
    description: 'CPU architecture of the task and of the image build',
    values: CPU_ARCHITECTURES.join(', '),
    defaultIn: (d) => value(firstService(d).cpuArchitecture),
  },
  CDKTF_TASK_CPU: {
    group: 'default service',
    description: 'task CPU units',
    values: [...FARGATE_TASK_SIZES.keys()].join(', '),
    defaultIn: (d) => value(firstService(d).cpu),
  },
  CDKTF_TASK_MEMORY: {
    group: 'default service',
    description: 'task memory in MiB',
    values: 'a Fargate pair with the CPU',
    defaultIn: (d) => value(firstService(d).memoryMiB),
  },
  CDKTF_DESIRED_COUNT: {
    group: 'default service',
    description: 'tasks at the first deployment',
    values: 'a whole number',
    defaultIn: (d) => value(firstService(d).desiredCount),
  },
  CDKTF_MIN_TASKS: {
    group: 'default service',
    description: 'autoscaling minimum (target tracking on CPU, memory and requests per target)',
    values: 'a whole number',
    defaultIn: (d) => {
      const scaling = firstService(d).scaling;
      return scaling ? value(scaling.minTasks) : ignored('refused: no autoscaling');
    },
  },
  CDKTF_MAX_TASKS: {
    group: 'default service',
    description: 'autoscaling maximum',
    values: 'a whole number',
    defaultIn: (d) => {
      const scaling = firstService(d).scaling;
      return scaling ? value(scaling.maxTasks) : ignored('refused: no autoscaling');
    },
  },
  CDKTF_SPOT: {
    group: 'default service',
    description: 'true: every task on FARGATE_SPOT; false: every task on FARGATE',
    values: BOOLEAN,
    defaultIn: (d) => spotDefault(firstService(d)),
  },
  CDKTF_ECS_EXEC: {
    group: 'default service',
    description: 'ECS Exec; it also turns the read-only root filesystem off (the exec agent writes)',
    values: BOOLEAN,
    defaultIn: (d) => value(firstService(d).enableExecuteCommand),
  },
  CDKTF_TASK_SUBNETS: {
    group: 'default service',
    description: 'task subnets: private, or public with a public IP (for VPCs without NAT)',
    values: 'private, public',
    defaultIn: (d) => value(firstService(d).subnets),
  },
  CDKTF_CERTIFICATE_ARN: {
    group: 'default service',
    description: 'ACM certificate: HTTPS on 443, port 80 redirects to it',
    values: 'an ACM certificate ARN of the region',
    defaultIn: (d) => {
      const arn = firstService(d).external?.certificateArn;
      return arn ? value(arn) : unset('HTTP only');
    },
  },
  CDKTF_ALB_INTERNAL: {
    group: 'default service',
    description: 'true: the service is internal only, on port 80 of the internal load balancer (private subnets, `internal.<zone>`); the internet-facing one is not created',
    values: BOOLEAN,
    defaultIn: (d) => {
      const s = firstService(d);
      return value(s.internal !== undefined && s.external === undefined);
    },
  },
  CDKTF_HEALTH_CHECK_CODES: {
    group: 'default service',
    description: 'health-check success codes of the target group (`200,401` behind basic auth)',
    values: 'codes, e.g. 200 or 200,401',
    defaultIn: (d) => value(firstService(d).healthCheck.codes),
  },
  CDKTF_LOG_LEVEL: {
    group: 'default service',
    description: 'LOG_LEVEL of the catalog API',
    values: LOG_LEVELS.join(', '),
    defaultIn: (d) => value(firstService(d).container.logLevel),
  },
  CDKTF_BASIC_AUTH_USER_ARN: {
    group: 'default service',
    description: 'Secrets Manager or SSM ARN injected as BASIC_AUTH_USER',
    values: 'an ARN',
    defaultIn: (d) => {
      const arn = firstService(d).secrets.BASIC_AUTH_USER;
      return arn ? value(arn) : unset('no basic auth');
    },
  },
  CDKTF_BASIC_AUTH_PASSWORD_ARN: {
    group: 'default service',
    description: 'Secrets Manager or SSM ARN injected as BASIC_AUTH_PASSWORD',
    values: 'an ARN',
    defaultIn: (d) => {
      const arn = firstService(d).secrets.BASIC_AUTH_PASSWORD;
      return arn ? value(arn) : unset('no basic auth');
    },
  },
  CDKTF_WORDPRESS: {
    group: 'wordpress',
    description: 'synthesize the wordpress stack (WordPress on Fargate with EFS and Aurora); deploy it with cdktf deploy network wordpress',
    values: BOOLEAN,
    defaultIn: (d) => value(d.wordpress.enabled),
  },
  CDKTF_WORDPRESS_IMAGES: {
    group: 'wordpress',
    description: 'build: Docker builds of service/wordpress/nginx and php-fpm, pushed to ECR; registry: published images, no Docker',
    values: 'build, registry',
    defaultIn: (d) => value(d.wordpress.images.nginx.kind),
  },
  CDKTF_WORDPRESS_NGINX_IMAGE: {
    group: 'wordpress',
    description: 'registry mode: the nginx image (the upstream default serves no PHP: publish service/wordpress/nginx)',
    values: 'an image reference',
    defaultIn: (d) => (d.wordpress.images.nginx.kind === 'registry' ? value(d.wordpress.images.nginx.reference) : unset('built')),
  },
  CDKTF_WORDPRESS_PHP_IMAGE: {
    group: 'wordpress',
    description: 'registry mode: the php-fpm image (the upstream default allows 2 MB uploads)',
    values: 'an image reference',
    defaultIn: (d) => (d.wordpress.images.php.kind === 'registry' ? value(d.wordpress.images.php.reference) : unset('built')),
  },
  CDKTF_WORDPRESS_TASK_CPU: {
    group: 'wordpress',
    description: 'task CPU units of the nginx + php-fpm task',
    values: [...FARGATE_TASK_SIZES.keys()].join(', '),
    defaultIn: (d) => value(d.wordpress.cpu),
  },
  CDKTF_WORDPRESS_TASK_MEMORY: {
    group: 'wordpress',
    description: 'task memory in MiB',
    values: 'a Fargate pair with the CPU',
    defaultIn: (d) => value(d.wordpress.memoryMiB),
  },
  CDKTF_WORDPRESS_DESIRED_COUNT: {
    group: 'wordpress',
    description: 'WordPress tasks at the first deployment',
    values: 'a whole number',
    defaultIn: (d) => value(d.wordpress.desiredCount),
  },
  CDKTF_WORDPRESS_AUTOSCALING: {
    group: 'wordpress',
    description: 'false: a fixed task count and no scaling resources; true: scaling between the min and max tasks',
    values: BOOLEAN,
    defaultIn: (d) => value(d.wordpress.scaling !== undefined),
  },
  CDKTF_WORDPRESS_MIN_TASKS: {
    group: 'wordpress',
    description: 'autoscaling minimum of the WordPress tasks',
    values: 'a whole number',
    defaultIn: (d) => (d.wordpress.scaling ? value(d.wordpress.scaling.minTasks) : unset('no scaling')),
  },
  CDKTF_WORDPRESS_MAX_TASKS: {
    group: 'wordpress',
    description: 'autoscaling maximum of the WordPress tasks',
    values: 'a whole number',
    defaultIn: (d) => (d.wordpress.scaling ? value(d.wordpress.scaling.maxTasks) : unset('no scaling')),
  },
  CDKTF_WORDPRESS_SPOT: {
    group: 'wordpress',
    description: 'true: every WordPress task on FARGATE_SPOT; false: every task on FARGATE',
    values: BOOLEAN,
    defaultIn: (d) => spotDefault(d.wordpress),
  },
  CDKTF_WORDPRESS_ECS_EXEC: {
    group: 'wordpress',
    description: 'ECS Exec into the WordPress containers (their root filesystems become writable)',
    values: BOOLEAN,
    defaultIn: (d) => value(d.wordpress.enableExecuteCommand),
  },
  CDKTF_WORDPRESS_TASK_SUBNETS: {
    group: 'wordpress',
    description: 'task subnets: private, or public with a public IP (for VPCs without NAT)',
    values: 'private, public',
    defaultIn: (d) => value(d.wordpress.subnets),
  },
  CDKTF_WORDPRESS_CERTIFICATE_ARN: {
    group: 'wordpress',
    description: 'ACM certificate: WordPress on HTTPS 443, port 80 redirects to it',
    values: 'an ACM certificate ARN of the region',
    defaultIn: (d) => (d.wordpress.certificateArn ? value(d.wordpress.certificateArn) : unset('HTTP only')),
  },
  CDKTF_WORDPRESS_DB_MIN_ACU: {
    group: 'wordpress',
    description: 'Aurora Serverless v2 minimum capacity in ACU (0 pauses when idle)',
    values: '0 to 256 in steps of 0.5',
    defaultIn: (d) => value(d.wordpress.database.minCapacityAcu),
  },
  CDKTF_WORDPRESS_DB_MAX_ACU: {
    group: 'wordpress',
    description: 'Aurora Serverless v2 maximum capacity in ACU',
    values: '1 to 256 in steps of 0.5',
    defaultIn: (d) => value(d.wordpress.database.maxCapacityAcu),
  },
  CDKTF_WORDPRESS_DB_BACKUP_DAYS: {
    group: 'wordpress',
    description: 'days of Aurora automated backups',
    values: '1 to 35',
    defaultIn: (d) => value(d.wordpress.database.backupRetentionDays),
  },
  CDKTF_WORDPRESS_EFS_BACKUPS: {
    group: 'wordpress',
    description: 'daily AWS Backup of the WordPress file system',
    values: BOOLEAN,
    defaultIn: (d) => value(d.wordpress.fileSystem.backups),
  },
});

/** The name of a variable `loadConfig` reads. */
export type VariableName = keyof typeof VARIABLES;

/** The variables of one group, in registry order. */
export function variablesOf<R extends VariableRegistry>(registry: R, group: VariableGroup): (keyof R & string)[] {
  return Object.keys(registry).filter((name) => registry[name].group === group);
}

/** Reads registered variables, and nothing else, from one environment's variables. */
export interface VariableReader<N extends string> {
  /** The value exactly as set; undefined when absent, or when this environment does not read the variable. */
  raw(name: N): string | undefined;
  /** The value trimmed; blank counts as unset. */
  text(name: N): string | undefined;
}

/**
 * A reader of `env` for the configuration of `environment`. Reading a name the registry lacks
 * throws (the type already refuses it); so does reading an environment-bound variable before the
 * environment is known.
 */
export function variableReader<R extends VariableRegistry>(registry: R, env: NodeJS.ProcessEnv, environment?: string): VariableReader<keyof R & string> {
  const raw = (name: keyof R & string): string | undefined => {
    const spec = Object.prototype.hasOwnProperty.call(registry, name) ? registry[name] : undefined;
    if (!spec) throw new Error(`${name} is not a registered variable; add it to VARIABLES in stacks/settings/variables.ts (description, values, default), then run npm run docs:config`);
    if (spec.environments) {
      if (environment === undefined) throw new Error(`${name} is read only in ${spec.environments.join(', ')}; create the reader with the environment first`);
      if (!(spec.environments as readonly string[]).includes(environment)) return undefined;
    }
    return env[name];
  };
  return { raw, text: (name) => raw(name)?.trim() || undefined };
}
