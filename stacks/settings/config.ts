/**
 * One deployment's configuration: the defaults of an environment composed from the settings
 * groups, overrides merged over them, every problem checked at once. `loadConfig` is the only
 * reader of environment variables, and it reads them only through the groups' variable specs;
 * main.ts calls it once and passes the result down.
 */
import * as path from 'node:path';
import { type AppConfig, ConfigError } from './app-config';
import { ALARM_VARIABLES, alarmDefaults, alarmProblems, mergeAlarmSettings, serviceThresholdProblems, type AlarmOverrides } from './alarms';
import { AWS_VARIABLES, awsDefaults, type AwsAccessSettings } from './aws';
import { DATA_VARIABLES, dataDefaults, dataProblems, type DataSettings } from './data';
import { ENVIRONMENT_NAMES, type EnvironmentName, isEnvironmentName } from './environments';
import { NETWORK_VARIABLES, networkDefaults, networkProblems, type NetworkSettings } from './network';
import { DEFAULT_ENVIRONMENT, PROJECT_VARIABLES, projectDefaults, projectProblems, tagsFor, type ProjectSettings } from './project';
import {
  DEFAULT_SERVICE_VARIABLES,
  mergeServiceStackSettings,
  plainHttpServices,
  SERVICE_STACK_VARIABLES,
  serviceDefaults,
  serviceVariableProblems,
  validateServiceStackSettings,
  type ServiceStackDraft,
  type ServiceStackOverrides,
} from './service';
import { readServicesFile } from './services-file';
import { type SettingsContext, variableProblem, type VariableSpec } from './spec';
import {
  backendOf,
  backendProblems,
  bootstrapOf,
  bootstrapProblems,
  STATE_VARIABLES,
  stateDefaults,
  type BackendSettings,
  type BootstrapSettings,
  type StateOverrides,
} from './state';
import { variableReader, VARIABLES } from './variables';
import {
  mergeWordPressSettings,
  validateWordPressSettings,
  WORDPRESS_VARIABLES,
  wordpressDefaults,
  wordpressOverridesOf,
  type WordPressDraft,
  type WordPressOverrides,
} from './wordpress';

export { ENVIRONMENT_NAMES, type EnvironmentName } from './environments';
export {
  ConfigError,
  INTERFACE_ENDPOINTS,
  NAT_MODES,
  type AppConfig,
  type AwsAccessSettings,
  type BackendSettings,
  type BootstrapSettings,
  type CiSettings,
  type DataSettings,
  type InterfaceEndpointName,
  type NatMode,
  type NetworkSettings,
} from './app-config';

/** Partial settings that override an environment's defaults (from variables or from tests). */
export interface ConfigOverrides {
  readonly project?: string;
  readonly region?: string;
  readonly network?: Partial<NetworkSettings>;
  readonly backend?: BackendSettings;
  readonly bootstrap?: Partial<BootstrapSettings>;
  readonly tags?: Readonly<Record<string, string>>;
  readonly aws?: Partial<AwsAccessSettings>;
  readonly data?: Partial<DataSettings>;
  readonly service?: ServiceStackOverrides;
  readonly wordpress?: WordPressOverrides;
  readonly alarms?: AlarmOverrides;
  readonly teardown?: boolean;
}

/** The defaults of one environment, composed from each group's; `root` is the project directory that holds local state. */
export function environmentDefaults(name: EnvironmentName, root: string): AppConfig {
  const state = stateDefaults({ root, environment: name });
  return {
    ...projectDefaults(name),
    network: networkDefaults(name),
    backend: state.backend,
    bootstrap: state.bootstrap,
    aws: awsDefaults(name),
    data: dataDefaults(name, root),
    service: serviceDefaults(name, root),
    wordpress: wordpressDefaults(name, root),
    alarms: alarmDefaults(name),
  };
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
    bootstrap: { ...defaults.bootstrap, ...overrides.bootstrap },
    tags: overrides.tags ?? tagsFor(defaults, project),
    aws: { ...defaults.aws, ...overrides.aws },
    data: { ...defaults.data, ...overrides.data },
    service: mergeServiceStackSettings(defaults.service, overrides.service),
    wordpress: mergeWordPressSettings(defaults.wordpress, overrides.wordpress),
    alarms: mergeAlarmSettings(defaults.alarms, overrides.alarms),
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
    bootstrap: { ...config.bootstrap, preventDestroy: false },
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

/** Every problem with a configuration, each naming the setting, the bad value and the fix. */
export function validateConfig(config: AppConfig): string[] {
  return [
    ...projectProblems(config),
    ...networkProblems(config.network, config.region),
    ...backendProblems(config.backend),
    ...bootstrapProblems(config.bootstrap, config.backend),
    ...dataProblems(config.data, config.environment),
    ...validateServiceStackSettings(config.service, config.network),
    ...validateWordPressSettings(config.wordpress, config.network),
    ...alarmProblems(config.alarms, config.environment),
    ...config.service.services.flatMap((s, i) => (s.alarms ? serviceThresholdProblems(s.alarms, `${config.service.servicesSource}: services[${i}].alarms`) : [])),
  ];
}

/** Reads the environment selected by `CDKTF_ENV` (default `local`) and the overrides in `env`; every problem is reported at once. */
export function loadConfig(env: NodeJS.ProcessEnv, root: string): AppConfig {
  const name = variableReader(VARIABLES, env).text('CDKTF_ENV') ?? DEFAULT_ENVIRONMENT;
  if (!isEnvironmentName(name)) throw new ConfigError([`CDKTF_ENV: unknown environment "${name}"; use one of ${ENVIRONMENT_NAMES.join(', ')}`]);
  // Variables bound to some environments (DYNAMODB_PORT, MOTO_PORT) read as unset in the others.
  const vars = variableReader(VARIABLES, env, name);
  const defaults = environmentDefaults(name, root);
  const problems: string[] = [];

  /** The overrides a group's variables make, each parsed by its own parser; a value that fails is named and left out. */
  function read<S, O>(variables: Readonly<Record<string, VariableSpec<S, O, unknown>>>, start: O, context: SettingsContext): O {
    let overrides = start;
    for (const [key, spec] of Object.entries(variables)) {
      const raw = vars.text(key as keyof typeof VARIABLES);
      if (raw === undefined) continue;
      const parsed = spec.parse.safeParse(raw);
      if (parsed.success) overrides = spec.apply(overrides, parsed.data, context);
      else problems.push(variableProblem(key, raw, parsed.error));
    }
    return overrides;
  }

  const bare: SettingsContext = { root, environment: name, project: defaults.project, region: defaults.region };
  const { environment: _chosen, ...named } = read<ProjectSettings, Partial<ProjectSettings>>(PROJECT_VARIABLES, {}, bare);
  const context: SettingsContext = { ...bare, project: named.project ?? defaults.project, region: named.region ?? defaults.region };
  const network = read(NETWORK_VARIABLES, {}, context);
  const stateDraft = read<unknown, StateOverrides>(STATE_VARIABLES, {}, context);
  const state = backendOf(stateDraft, context);
  const bootstrap = bootstrapOf(stateDraft, defaults.bootstrap, root);
  const data = read(DATA_VARIABLES, {}, context);
  const aws = read(AWS_VARIABLES, {}, context);
  const { servicesFile, ...service } = read<unknown, ServiceStackDraft>({ ...SERVICE_STACK_VARIABLES, ...DEFAULT_SERVICE_VARIABLES }, {}, context);
  const wordpress = wordpressOverridesOf(read<unknown, WordPressDraft>(WORDPRESS_VARIABLES, {}, context), defaults.wordpress, root, name);
  const alarms = read<unknown, AlarmOverrides>(ALARM_VARIABLES, {}, context);
  problems.push(...state.problems, ...bootstrap.problems, ...wordpress.problems);
  problems.push(
    ...serviceVariableProblems(
      (key) => vars.text(key as keyof typeof VARIABLES) !== undefined,
      (key) => vars.text(key as keyof typeof VARIABLES),
      defaults.service,
      name,
    ),
  );

  let services: ServiceStackOverrides = { ...service, defaultService: servicesFile === undefined ? service.defaultService : undefined };
  if (servicesFile !== undefined) {
    const file = readServicesFile(path.resolve(root, servicesFile), servicesFile, defaults.service.services[0], root, { ...defaults.network, ...network });
    problems.push(...file.problems);
    if (file.problems.length === 0) services = { ...services, services: file.services, servicesSource: file.servicesSource };
  }

  const overrides: ConfigOverrides = {
    ...named,
    network,
    backend: state.backend,
    bootstrap: bootstrap.bootstrap,
    aws,
    data,
    service: services,
    wordpress: wordpress.overrides,
    alarms,
    teardown: stateDraft.teardown === true,
  };
  try {
    const config = buildConfig(name, overrides, root);
    if (problems.length > 0) throw new ConfigError(problems);
    return config;
  } catch (error) {
    // What the variables got wrong comes first; the checks of everything they did set follow.
    if (error instanceof ConfigError && problems.length > 0 && error.problems !== problems) throw new ConfigError([...problems, ...error.problems]);
    throw error;
  }
}

/**
 * What synth warns about in a valid configuration: shared environments whose state lives in local
 * files, and dev sites served over plain HTTP (prod refuses them; see `httpsRequired`).
 */
export function configWarnings(config: AppConfig): string[] {
  const warnings: string[] = [];
  if (config.environment === 'dev') {
    const plain = plainHttpServices(config.service).map(({ s }) => `"${s.name}"`);
    if (config.wordpress.enabled && config.wordpress.certificateArn === undefined) plain.push('WordPress');
    if (plain.length > 0) {
      warnings.push(
        `dev serves ${plain.join(', ')} over plain HTTP on the internet-facing load balancer, so passwords and cookies cross the internet in clear; ` +
          'set CDKTF_CERTIFICATE_ARN (or external.certificateArn in the services file, or CDKTF_PUBLIC_ZONE_ID with CDKTF_PUBLIC_RECORD_NAME) and CDKTF_WORDPRESS_CERTIFICATE_ARN; prod refuses to synthesize without them',
      );
    }
  }
  if (config.backend.kind === 'local' && (config.environment === 'dev' || config.environment === 'prod')) {
    warnings.push(
      `${config.environment} keeps its Terraform state in local files (${config.backend.directory}): nobody else can deploy it and a lost disk loses it; ` +
        'set CDKTF_STATE_BUCKET=<bucket> (optionally CDKTF_STATE_REGION and CDKTF_STATE_KEY_PREFIX) to keep it in S3, encrypted and locked',
    );
  }
  return warnings;
}
