/**
 * Typed environments and their validation. This is the only module that reads environment
 * variables, and it reads them only through the registry of stacks/settings/variables.ts; main.ts calls
 * `loadConfig` once and passes the result down.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  AppConfig,
  AwsAccessSettings,
  BackendSettings,
  ConfigError,
  DataSettings,
  INTERFACE_ENDPOINTS,
  NAT_MODES,
  NetworkSettings,
} from './app-config';
import { parseCidr } from '../lib/cidr';
import { isLogRetentionDays, LOG_RETENTION_DAYS } from '../lib/log-retention';
import { ENVIRONMENT_NAMES, EnvironmentName, isEnvironmentName } from './environments';
import { DEFAULT_MOTO_PORT, emulatorEndpoints, motoUrl } from './emulator';
import {
  mergeServiceStackSettings,
  parseImageSetting,
  serviceDefaults,
  ServiceOverrides,
  ServiceStackOverrides,
  validateServiceStackSettings,
} from './service';
import { parseServicesDocument } from './services-file';
import { DEFAULT_ENVIRONMENT, VariableName, variableReader, VariableReader, VARIABLES, variablesOf } from './variables';
import {
  mergeWordPressSettings,
  validateWordPressSettings,
  wordpressDefaults,
  wordpressImages,
  WordPressOverrides,
} from './wordpress';

export { ENVIRONMENT_NAMES, type EnvironmentName } from './environments';
export {
  ConfigError,
  INTERFACE_ENDPOINTS,
  NAT_MODES,
  type AppConfig,
  type AwsAccessSettings,
  type BackendSettings,
  type DataSettings,
  type InterfaceEndpointName,
  type NatMode,
  type NetworkSettings,
} from './app-config';

/** Values every environment shares unless it says otherwise. */
const DEFAULT_PROJECT = 'bookmarks';
const DEFAULT_LOCAL_DYNAMODB_PORT = 8000;
/** Beyond ~1000 item resources a plan takes minutes and state grows to megabytes. */
const DEFAULT_BATCH_SEEDING_THRESHOLD_ROWS = 1000;

/** Partial settings that override an environment's defaults (from variables or from tests). */
export interface ConfigOverrides {
  readonly project?: string;
  readonly region?: string;
  readonly network?: Partial<NetworkSettings>;
  readonly backend?: BackendSettings;
  readonly tags?: Readonly<Record<string, string>>;
  readonly aws?: Partial<AwsAccessSettings>;
  readonly data?: Partial<DataSettings>;
  readonly service?: ServiceStackOverrides;
  readonly wordpress?: WordPressOverrides;
  readonly teardown?: boolean;
}

/** The defaults of one environment; `root` is the project directory that holds local state. */
export function environmentDefaults(name: EnvironmentName, root: string): AppConfig {
  const localBackend: BackendSettings = { kind: 'local', directory: path.join(root, 'state', name) };
  const tags = (environment: string) => ({ Project: DEFAULT_PROJECT, Environment: environment, ManagedBy: 'cdktf' });
  // Stateful tables are protected wherever they hold real data; local is disposable.
  const protectedData: DataSettings = {
    directory: path.join(root, 'data'),
    pointInTimeRecovery: true,
    serverSideEncryption: true,
    deletionProtection: true,
    preventDestroy: true,
    batchSeedingThresholdRows: DEFAULT_BATCH_SEEDING_THRESHOLD_ROWS,
    batchWriterCommand: `node "${path.join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs')}" "${path.join(root, 'scripts', 'seed-table.ts')}"`,
  };
  switch (name) {
    case 'local':
      return {
        project: DEFAULT_PROJECT,
        environment: 'local',
        region: 'us-east-1',
        network: { cidrBlock: '10.20.0.0/16', availabilityZones: ['us-east-1a', 'us-east-1b'], natMode: 'none', interfaceEndpoints: [], flowLogRetentionDays: 0 },
        backend: localBackend,
        // The embedded DynamoDB does not store tags, so tags would show as drift on every plan.
        tags: {},
        aws: { endpoints: { dynamodb: `http://127.0.0.1:${DEFAULT_LOCAL_DYNAMODB_PORT}` }, offline: true },
        // The embedded DynamoDB has no backups or KMS and cannot protect tables; it fails or drifts on each.
        data: { ...protectedData, pointInTimeRecovery: false, serverSideEncryption: false, deletionProtection: false, preventDestroy: false },
        service: serviceDefaults('local', root),
        wordpress: wordpressDefaults('local', root),
      };
    case 'dev':
      return {
        project: DEFAULT_PROJECT,
        environment: 'dev',
        region: 'eu-west-1',
        // One NAT gateway (~32 USD/month) instead of one per zone: dev tolerates a zone outage.
        network: { cidrBlock: '10.30.0.0/16', availabilityZones: ['eu-west-1a', 'eu-west-1b'], natMode: 'single', interfaceEndpoints: [], flowLogRetentionDays: 0 },
        backend: localBackend,
        tags: tags('dev'),
        aws: { endpoints: {}, offline: false },
        data: protectedData,
        service: serviceDefaults(name, root),
        wordpress: wordpressDefaults(name, root),
      };
    case 'sandbox':
      // dev, deployed by real Terraform to the emulated AWS of a local moto server (scripts/lib/emulator.ts).
      return {
        ...environmentDefaults('dev', root),
        environment: 'sandbox',
        backend: localBackend,
        tags: tags('sandbox'),
        aws: { endpoints: emulatorEndpoints(motoUrl(DEFAULT_MOTO_PORT)), offline: true },
        service: serviceDefaults(name, root),
        wordpress: wordpressDefaults(name, root),
      };
    case 'prod':
      return {
        project: DEFAULT_PROJECT,
        environment: 'prod',
        region: 'eu-west-1',
        network: {
          cidrBlock: '10.40.0.0/16',
          availabilityZones: ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'],
          natMode: 'per-az',
          // Image pulls and logs stay inside the VPC: cheaper than NAT data processing, and private.
          interfaceEndpoints: ['ecr.api', 'ecr.dkr', 'logs'],
          // Traffic records for incident response; CloudWatch ingestion is billed per GB.
          flowLogRetentionDays: 90,
        },
        backend: localBackend,
        tags: tags('prod'),
        aws: { endpoints: {}, offline: false },
        data: protectedData,
        service: serviceDefaults(name, root),
        wordpress: wordpressDefaults(name, root),
      };
  }
}

/** Builds and validates the configuration of a named environment with optional overrides. */
export function buildConfig(name: string, overrides: ConfigOverrides = {}, root = process.cwd()): AppConfig {
  if (!isEnvironmentName(name)) {
    throw new ConfigError([`CDKTF_ENV: unknown environment "${name}"; use one of ${ENVIRONMENT_NAMES.join(', ')}`]);
  }
  const defaults = environmentDefaults(name, root);
  const project = overrides.project ?? defaults.project;
  const config: AppConfig = {
    ...defaults,
    project,
    region: overrides.region ?? defaults.region,
    network: { ...defaults.network, ...overrides.network },
    backend: overrides.backend ?? defaults.backend,
    tags: overrides.tags ?? (project === defaults.project ? defaults.tags : retag(defaults.tags, project)),
    aws: { ...defaults.aws, ...overrides.aws },
    data: { ...defaults.data, ...overrides.data },
    service: mergeServiceStackSettings(defaults.service, overrides.service),
    wordpress: mergeWordPressSettings(defaults.wordpress, overrides.wordpress),
  };
  const problems = validateConfig(config);
  if (problems.length > 0) throw new ConfigError(problems);
  return overrides.teardown ? withoutProtections(config) : config;
}

/**
 * The configuration of the documented teardown: everything that makes a destroy fail is off
 * (table deletion protection and prevent_destroy, load balancer deletion protection, repositories
 * that keep their images, the WordPress file system's and database's protections), and the
 * configuration says so to the policy check.
 */
export function withoutProtections(config: AppConfig): AppConfig {
  const { wordpress } = config;
  return {
    ...config,
    teardown: true,
    data: { ...config.data, deletionProtection: false, preventDestroy: false },
    service: {
      ...config.service,
      loadBalancers: { ...config.service.loadBalancers, deletionProtection: false },
      repository: { ...config.service.repository, forceDelete: true },
    },
    wordpress: {
      ...wordpress,
      loadBalancer: { ...wordpress.loadBalancer, deletionProtection: false },
      repository: { ...wordpress.repository, forceDelete: true },
      fileSystem: { ...wordpress.fileSystem, preventDestroy: false },
      // The final snapshot stays: a destroy then keeps the data of the last moment.
      database: { ...wordpress.database, deletionProtection: false, preventDestroy: false },
    },
  };
}

function retag(tags: Readonly<Record<string, string>>, project: string): Record<string, string> {
  return 'Project' in tags ? { ...tags, Project: project } : { ...tags };
}

/** The registered variables of one configuration. */
type Variables = VariableReader<VariableName>;

/** Typed reads of registered variables: trimmed, empty as unset; booleans that are neither true nor false fail at once. */
function parsers(vars: Variables) {
  const read = vars.text;
  return {
    read,
    num: (key: VariableName) => (read(key) === undefined ? undefined : Number(read(key))),
    bool: (key: VariableName): boolean | undefined => {
      const value = read(key);
      if (value === undefined) return undefined;
      if (value === 'true' || value === 'false') return value === 'true';
      throw new ConfigError([`${key}: "${value}" is not a boolean; use true or false`]);
    },
  };
}

const defined = <T extends object>(o: T): T => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

/** The default service's overrides in `vars`; malformed values are left for validation to report. */
function defaultServiceFromEnv(vars: Variables, root: string): ServiceOverrides {
  const { read, num, bool } = parsers(vars);
  const image = read('CDKTF_IMAGE');
  const imageSetting = image === undefined ? undefined : parseImageSetting(image, root);
  if (image !== undefined && !imageSetting) {
    throw new ConfigError([`CDKTF_IMAGE: "${image}" is not an image source; use build, build:<directory> or registry:<image>, e.g. registry:public.ecr.aws/nginx/nginx:stable`]);
  }
  const exec = bool('CDKTF_ECS_EXEC');
  const certificateArn = read('CDKTF_CERTIFICATE_ARN');
  const internal = bool('CDKTF_ALB_INTERNAL');
  if (internal && certificateArn) {
    throw new ConfigError(['CDKTF_CERTIFICATE_ARN: the internal load balancer serves HTTP only; unset it, or CDKTF_ALB_INTERNAL']);
  }
  const secrets: Record<string, string> = {};
  for (const name of ['BASIC_AUTH_USER', 'BASIC_AUTH_PASSWORD'] as const) {
    const arn = read(`CDKTF_${name}_ARN`);
    if (arn) secrets[name] = arn;
  }
  const minTasks = num('CDKTF_MIN_TASKS');
  const maxTasks = num('CDKTF_MAX_TASKS');
  return defined({
    image: imageSetting,
    cpuArchitecture: read('CDKTF_CPU_ARCHITECTURE') as ServiceOverrides['cpuArchitecture'],
    cpu: num('CDKTF_TASK_CPU'),
    memoryMiB: num('CDKTF_TASK_MEMORY'),
    desiredCount: num('CDKTF_DESIRED_COUNT'),
    spot: bool('CDKTF_SPOT'),
    enableExecuteCommand: exec,
    subnets: read('CDKTF_TASK_SUBNETS') as ServiceOverrides['subnets'],
    secrets: Object.keys(secrets).length > 0 ? secrets : undefined,
    container: defined({ logLevel: read('CDKTF_LOG_LEVEL'), readonlyRootFilesystem: exec ? false : undefined }),
    scaling: minTasks === undefined && maxTasks === undefined ? undefined : defined({ minTasks, maxTasks }),
    healthCheck: defined({ codes: read('CDKTF_HEALTH_CHECK_CODES') }),
    // An internal-only service leaves the internet-facing load balancer out.
    ...(internal ? { internal: { port: 80 }, external: null } : {}),
    ...(certificateArn ? { external: { port: 443, certificateArn } } : {}),
  });
}

/** The service stack overrides in `vars`, with the services of `CDKTF_SERVICES_FILE` when it is set. */
function serviceOverridesFromEnv(vars: Variables, root: string, defaults: AppConfig | undefined): ServiceStackOverrides {
  const { read } = parsers(vars);
  const cidrs = read('CDKTF_ALB_INGRESS_CIDRS');
  const stack: ServiceStackOverrides = defined({
    loadBalancers: cidrs === undefined ? undefined : { ingressCidrs: cidrs.split(',').map((c) => c.trim()).filter((c) => c !== '') },
    dns: defined({ privateZoneName: read('CDKTF_PRIVATE_ZONE'), publicZoneId: read('CDKTF_PUBLIC_ZONE_ID'), publicRecordName: read('CDKTF_PUBLIC_RECORD_NAME') }),
  });
  const file = read('CDKTF_SERVICES_FILE');
  if (file === undefined) return { ...stack, defaultService: defaultServiceFromEnv(vars, root) };

  const clashing = variablesOf(VARIABLES, 'default service').filter((key) => read(key) !== undefined);
  if (clashing.length > 0) {
    throw new ConfigError(clashing.map((key) => `${key}: sets the default service, which CDKTF_SERVICES_FILE (${file}) replaces; set the field in that file instead, or unset ${key}`));
  }
  const base = defaults?.service.services[0];
  if (!base) return stack; // An unknown environment is reported by buildConfig.
  return { ...stack, ...readServicesFile(path.resolve(root, file), file, base, root) };
}

/** Reads and parses a services file; every problem names the file and the JSON path or line. */
function readServicesFile(file: string, shown: string, base: AppConfig['service']['services'][number], root: string): ServiceStackOverrides {
  if (!fs.existsSync(file)) throw new ConfigError([`CDKTF_SERVICES_FILE: ${file} does not exist; give the path of a JSON file (relative to ${root}), e.g. docs/examples/three-services.json`]);
  const text = fs.readFileSync(file, 'utf8');
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    const message = (error as Error).message;
    const position = /position (\d+)/.exec(message);
    const where = position ? ` at line ${text.slice(0, Number(position[1])).split('\n').length}` : '';
    throw new ConfigError([`${shown}: not valid JSON${where} (${message}); fix the syntax`]);
  }
  const { services, problems } = parseServicesDocument(document, shown, base, root);
  if (problems.length > 0) throw new ConfigError(problems);
  return { services, servicesSource: shown };
}

/** The WordPress overrides in `vars`; a value of the wrong shape fails at once, naming its variable. */
function wordpressOverridesFromEnv(vars: Variables, root: string, defaults: AppConfig | undefined): WordPressOverrides {
  const { read, bool } = parsers(vars);
  const number = (key: VariableName): number | undefined => {
    const value = read(key);
    if (value === undefined) return undefined;
    if (!/^\d+(\.\d+)?$/.test(value)) throw new ConfigError([`${key}: "${value}" is not a number; use digits, e.g. ${key.endsWith('_ACU') ? '0.5' : '2'}`]);
    return Number(value);
  };
  const mode = read('CDKTF_WORDPRESS_IMAGES');
  if (mode !== undefined && mode !== 'build' && mode !== 'registry') {
    throw new ConfigError([`CDKTF_WORDPRESS_IMAGES: "${mode}" is not an image mode; use build (Docker builds service/wordpress/*) or registry (published images)`]);
  }
  const references = defined({ nginx: read('CDKTF_WORDPRESS_NGINX_IMAGE'), php: read('CDKTF_WORDPRESS_PHP_IMAGE') });
  const effectiveMode = mode ?? defaults?.wordpress.images.nginx.kind ?? 'build';
  if (effectiveMode === 'build' && Object.keys(references).length > 0) {
    throw new ConfigError(
      Object.keys(references).map(
        (key) => `CDKTF_WORDPRESS_${key.toUpperCase()}_IMAGE: names a published image, but the images are built${mode ? '' : ` (the default of ${defaults?.environment})`}; set CDKTF_WORDPRESS_IMAGES=registry, or unset it`,
      ),
    );
  }
  const autoscaling = bool('CDKTF_WORDPRESS_AUTOSCALING');
  const minTasks = number('CDKTF_WORDPRESS_MIN_TASKS');
  const maxTasks = number('CDKTF_WORDPRESS_MAX_TASKS');
  if (autoscaling === false && (minTasks !== undefined || maxTasks !== undefined)) {
    throw new ConfigError(['CDKTF_WORDPRESS_AUTOSCALING: false turns scaling off, but CDKTF_WORDPRESS_MIN_TASKS or CDKTF_WORDPRESS_MAX_TASKS sets a bound; unset them, or the false']);
  }
  const scaling = autoscaling === false ? null : minTasks !== undefined || maxTasks !== undefined || autoscaling ? defined({ minTasks, maxTasks }) : undefined;
  const exec = bool('CDKTF_WORDPRESS_ECS_EXEC');
  const efsBackups = bool('CDKTF_WORDPRESS_EFS_BACKUPS');
  return defined({
    enabled: bool('CDKTF_WORDPRESS'),
    images: mode !== undefined || Object.keys(references).length > 0 ? wordpressImages(effectiveMode, root, references) : undefined,
    cpu: number('CDKTF_WORDPRESS_TASK_CPU'),
    memoryMiB: number('CDKTF_WORDPRESS_TASK_MEMORY'),
    desiredCount: number('CDKTF_WORDPRESS_DESIRED_COUNT'),
    scaling,
    spot: bool('CDKTF_WORDPRESS_SPOT'),
    enableExecuteCommand: exec,
    subnets: read('CDKTF_WORDPRESS_TASK_SUBNETS') as WordPressOverrides['subnets'],
    certificateArn: read('CDKTF_WORDPRESS_CERTIFICATE_ARN'),
    fileSystem: efsBackups === undefined ? undefined : { backups: efsBackups },
    database: defined({
      minCapacityAcu: number('CDKTF_WORDPRESS_DB_MIN_ACU'),
      maxCapacityAcu: number('CDKTF_WORDPRESS_DB_MAX_ACU'),
      backupRetentionDays: number('CDKTF_WORDPRESS_DB_BACKUP_DAYS'),
    }),
  });
}

/** Reads the environment selected by `CDKTF_ENV` (default `local`) and the overrides in `env`. */
export function loadConfig(env: NodeJS.ProcessEnv, root: string): AppConfig {
  const name = variableReader(VARIABLES, env).text('CDKTF_ENV') ?? DEFAULT_ENVIRONMENT;
  // Variables bound to some environments (DYNAMODB_PORT, MOTO_PORT) read as unset in the others.
  const vars: Variables = variableReader(VARIABLES, env, name);
  const { raw, text } = vars;
  const list = (value: string | undefined) =>
    value === undefined ? undefined : value.trim() === 'none' ? [] : value.split(',').map((s) => s.trim()).filter((s) => s !== '');
  const region = text('CDKTF_REGION');
  const project = text('CDKTF_PROJECT');

  const network: Partial<NetworkSettings> = {};
  const azs = list(raw('CDKTF_AZS'));
  if (azs) Object.assign(network, { availabilityZones: azs });
  const cidr = raw('CDKTF_VPC_CIDR');
  if (cidr) Object.assign(network, { cidrBlock: cidr.trim() });
  const natMode = raw('CDKTF_NAT_MODE');
  if (natMode) Object.assign(network, { natMode: natMode.trim() });
  const endpoints = list(raw('CDKTF_INTERFACE_ENDPOINTS'));
  if (endpoints) Object.assign(network, { interfaceEndpoints: endpoints });
  const flowLogDays = text('CDKTF_FLOW_LOG_DAYS');
  // Text that is not a whole number stays text, so the validation message shows what was typed.
  if (flowLogDays) Object.assign(network, { flowLogRetentionDays: /^\d+$/.test(flowLogDays) ? Number(flowLogDays) : flowLogDays });

  const bucket = text('CDKTF_STATE_BUCKET');
  const defaults = isEnvironmentName(name) ? environmentDefaults(name, root) : undefined;
  const backend: BackendSettings | undefined = bucket
    ? {
        kind: 's3',
        bucket,
        region: text('CDKTF_STATE_REGION') || region || defaults?.region || '',
        keyPrefix: text('CDKTF_STATE_KEY_PREFIX') || project || DEFAULT_PROJECT,
      }
    : undefined;
  const stateDir = text('CDKTF_STATE_DIR');
  if (stateDir && bucket) {
    throw new ConfigError([`CDKTF_STATE_DIR: "${stateDir}" is set together with CDKTF_STATE_BUCKET "${bucket}"; state is either local files or S3, so unset one of them`]);
  }
  const localBackend: BackendSettings | undefined = stateDir ? { kind: 'local', directory: path.resolve(root, stateDir) } : undefined;
  if (localBackend?.kind === 'local' && fs.existsSync(localBackend.directory) && !fs.statSync(localBackend.directory).isDirectory()) {
    throw new ConfigError([`CDKTF_STATE_DIR: "${stateDir}" (${localBackend.directory}) is a file; give a directory for the <stack>.tfstate files`]);
  }

  const dynamodbPort = raw('DYNAMODB_PORT');
  const motoPort = text('MOTO_PORT');
  const aws: Partial<AwsAccessSettings> = dynamodbPort
    ? { endpoints: { dynamodb: `http://127.0.0.1:${dynamodbPort.trim()}` } }
    : motoPort
      ? { endpoints: emulatorEndpoints(motoUrl(parsePort('MOTO_PORT', motoPort))) }
      : {};

  const data: Partial<DataSettings> = {};
  const dataDir = text('CDKTF_DATA_DIR');
  if (dataDir) Object.assign(data, { directory: path.resolve(root, dataDir) });
  const threshold = text('CDKTF_SEED_BATCH_THRESHOLD');
  if (threshold) Object.assign(data, { batchSeedingThresholdRows: Number(threshold) });

  const teardown = text('CDKTF_TEARDOWN');
  if (teardown !== undefined && teardown !== 'true' && teardown !== 'false') {
    throw new ConfigError([`CDKTF_TEARDOWN: "${teardown}" is not a boolean; use true to turn protections off before a destroy, or unset it`]);
  }
  if (defaults && defaults.service.services.every((s) => s.scaling === undefined)) {
    const bounds = (['CDKTF_MIN_TASKS', 'CDKTF_MAX_TASKS'] as const).filter((key) => text(key));
    if (bounds.length > 0) {
      throw new ConfigError(
        bounds.map((key) => `${key}: "${text(key)}" sets an autoscaling bound, but ${name} has no autoscaling (scripts/lib/emulator.ts: moto cannot create scaling targets); unset ${key} and use CDKTF_DESIRED_COUNT`),
      );
    }
  }
  return buildConfig(
    name,
    {
      project,
      region,
      network,
      backend: backend ?? localBackend,
      aws,
      data,
      service: serviceOverridesFromEnv(vars, root, defaults),
      wordpress: wordpressOverridesFromEnv(vars, root, defaults),
      teardown: teardown === 'true',
    },
    root,
  );
}

/** A TCP port from the variable `key`; a ConfigError names the variable otherwise. */
function parsePort(key: string, value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port < 1 || port > 65535) {
    throw new ConfigError([`${key}: "${value}" is not a TCP port; use a whole number from 1 to 65535, e.g. ${DEFAULT_MOTO_PORT}`]);
  }
  return port;
}

/** Every problem with a configuration, each naming the setting, the bad value and the fix. */
export function validateConfig(config: AppConfig): string[] {
  const problems: string[] = [];
  const { network, region } = config;

  if (!/^[a-z][a-z0-9-]{1,15}$/.test(config.project)) {
    problems.push(`project: "${config.project}" is not a valid name prefix; use 2-16 lower-case letters, digits or hyphens, starting with a letter`);
  }
  if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(region)) {
    problems.push(`region: "${region}" is not an AWS region name; use one like eu-west-1`);
  }

  const cidr = parseCidr(network.cidrBlock);
  if (!cidr) {
    problems.push(`network.cidrBlock: "${network.cidrBlock}" is not an IPv4 CIDR block with zero host bits; use one like 10.0.0.0/16`);
  } else if (cidr.prefix < 16 || cidr.prefix > 24) {
    problems.push(`network.cidrBlock: "${network.cidrBlock}" has prefix /${cidr.prefix}; AWS VPCs take /16 to /24 here, e.g. 10.0.0.0/16`);
  }

  const azs = network.availabilityZones;
  if (azs.length === 0) {
    problems.push(`network.availabilityZones: none listed; list at least one zone of ${region}, e.g. ${region}a,${region}b`);
  }
  if (azs.length > MAX_AVAILABILITY_ZONES) {
    problems.push(`network.availabilityZones: ${azs.length} zones listed; at most ${MAX_AVAILABILITY_ZONES} fit the subnet layout`);
  }
  azs.forEach((az, i) => {
    if (azs.indexOf(az) !== i) {
      problems.push(`network.availabilityZones: "${az}" is listed more than once; list each zone once`);
    } else if (!new RegExp(`^${escapeRegExp(region)}[a-z]$`).test(az)) {
      problems.push(`network.availabilityZones[${i}]: "${az}" is not a zone of region ${region}; use e.g. ${region}a`);
    }
  });

  if (!(NAT_MODES as readonly string[]).includes(network.natMode)) {
    problems.push(`network.natMode: "${network.natMode}" is not a NAT mode; use one of ${NAT_MODES.join(', ')}`);
  }
  network.interfaceEndpoints.forEach((name) => {
    if (!(INTERFACE_ENDPOINTS as readonly string[]).includes(name)) {
      problems.push(`network.interfaceEndpoints: "${name}" is not supported; use any of ${INTERFACE_ENDPOINTS.join(', ')}`);
    }
  });

  if (network.flowLogRetentionDays !== 0 && !isLogRetentionDays(network.flowLogRetentionDays)) {
    problems.push(
      `network.flowLogRetentionDays: ${JSON.stringify(network.flowLogRetentionDays)} is not a CloudWatch retention period; use 0 (no flow logs) or one of ${LOG_RETENTION_DAYS.join(', ')}`,
    );
  }

  if (config.backend.kind === 's3') {
    const { bucket, region: stateRegion } = config.backend;
    if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) {
      problems.push(`backend.bucket: "${bucket}" is not a valid S3 bucket name; use 3-63 lower-case letters, digits, dots or hyphens`);
    }
    if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(stateRegion)) {
      problems.push(`backend.region: "${stateRegion}" is not an AWS region name; set CDKTF_STATE_REGION, e.g. eu-west-1`);
    }
  } else if (!path.isAbsolute(config.backend.directory)) {
    problems.push(`backend.directory: "${config.backend.directory}" is relative; give an absolute directory for local state`);
  }
  problems.push(...validateDataSettings(config));
  problems.push(...validateServiceStackSettings(config.service, network));
  problems.push(...validateWordPressSettings(config.wordpress, network));
  return problems;
}

function validateDataSettings(config: AppConfig): string[] {
  const problems: string[] = [];
  const { data } = config;
  if (!path.isAbsolute(data.directory)) {
    problems.push(`data.directory: "${data.directory}" is relative; give an absolute directory of table definitions and CSV files`);
  }
  if (!Number.isInteger(data.batchSeedingThresholdRows) || data.batchSeedingThresholdRows < 0) {
    problems.push(`data.batchSeedingThresholdRows: ${data.batchSeedingThresholdRows} is not a whole number of rows; set CDKTF_SEED_BATCH_THRESHOLD to e.g. 1000`);
  }
  if (config.environment === 'local') {
    const unsupported = (['pointInTimeRecovery', 'serverSideEncryption', 'deletionProtection'] as const).filter((k) => data[k]);
    for (const key of unsupported) {
      problems.push(`data.${key}: the embedded DynamoDB of the local environment does not support it; turn it off for local`);
    }
  }
  return problems;
}

/** Subnets are carved as /prefix+4 blocks: public in the first half, private in the second. */
export const MAX_AVAILABILITY_ZONES = 8;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** What synth warns about in a valid configuration: today, shared environments whose state lives in local files. */
export function configWarnings(config: AppConfig): string[] {
  const warnings: string[] = [];
  if (config.backend.kind === 'local' && (config.environment === 'dev' || config.environment === 'prod')) {
    warnings.push(
      `${config.environment} keeps its Terraform state in local files (${config.backend.directory}): nobody else can deploy it and a lost disk loses it; ` +
        'set CDKTF_STATE_BUCKET=<bucket> (optionally CDKTF_STATE_REGION and CDKTF_STATE_KEY_PREFIX) to keep it in S3, encrypted and locked',
    );
  }
  return warnings;
}
