/**
 * Every environment variable the configuration reads, assembled from the groups that define them
 * (project.ts, network.ts, state.ts, data.ts, aws.ts, service.ts, wordpress.ts, alarms.ts), each seen as the
 * docs show it: what it sets, the values it takes, where it is read, and what applies when it is
 * unset, read from a whole configuration. docs/configuration.md's table is rendered from this
 * registry (`npm run docs:config`), and `loadConfig` reads only the names it holds.
 */
import type { AppConfig } from './app-config';
import { ALARM_VARIABLES } from './alarms';
import { AWS_VARIABLES } from './aws';
import { DATA_VARIABLES } from './data';
import { NETWORK_VARIABLES } from './network';
import { PROJECT_VARIABLES } from './project';
import { DEFAULT_SERVICE_VARIABLES, SERVICE_STACK_VARIABLES } from './service';
import type { SettingsContext, VariableDefault, VariableGroup, VariableSpec } from './spec';
import { STATE_VARIABLES } from './state';
import { WORDPRESS_VARIABLES } from './wordpress';

export { DEFAULT_ENVIRONMENT } from './project';
export { VARIABLE_GROUPS, type VariableDefault, type VariableGroup } from './spec';

/** One variable as the docs and the reader see it: its default read from a whole configuration. */
export interface RegisteredVariable {
  readonly group: VariableGroup;
  readonly description: string;
  readonly values: string;
  /** @default - every environment */
  readonly environments?: readonly string[];
  /** What applies when it is unset in a configuration of defaults; `root` is the project directory they were built for. */
  defaultIn(defaults: AppConfig, root: string): VariableDefault;
}
export type { RegisteredVariable as VariableSpec };

/** Variables by name. */
export type VariableRegistry = Readonly<Record<string, RegisteredVariable>>;

/** The context of the defaults of a whole configuration. */
export function contextOf(config: AppConfig, root: string): SettingsContext {
  return { root, environment: config.environment, project: config.project, region: config.region };
}

/** A group's variables with their defaults read from the group's part of a configuration. */
function registered<K extends string, S, O>(variables: Record<K, VariableSpec<S, O, unknown>>, select: (config: AppConfig) => S): Record<K, RegisteredVariable> {
  return Object.fromEntries(
    Object.entries<VariableSpec<S, O, unknown>>(variables).map(([name, spec]) => [
      name,
      {
        group: spec.group,
        description: spec.description,
        values: spec.values,
        ...(spec.environments ? { environments: spec.environments } : {}),
        defaultIn: (config: AppConfig, root: string) => spec.defaultIn(select(config), contextOf(config, root)),
      },
    ]),
  ) as Record<K, RegisteredVariable>;
}

/** Every variable, in the order of docs/configuration.md. */
export const VARIABLES = {
  ...registered(PROJECT_VARIABLES, (c) => c),
  ...registered(NETWORK_VARIABLES, (c) => c.network),
  ...registered(STATE_VARIABLES, (c) => ({ backend: c.backend, teardown: c.teardown ?? false, bootstrap: c.bootstrap })),
  ...registered(DATA_VARIABLES, (c) => c.data),
  ...registered(AWS_VARIABLES, (c) => c.aws),
  ...registered(SERVICE_STACK_VARIABLES, (c) => c.service),
  ...registered(DEFAULT_SERVICE_VARIABLES, (c) => c.service),
  ...registered(WORDPRESS_VARIABLES, (c) => c.wordpress),
  ...registered(ALARM_VARIABLES, (c) => c.alarms),
};

/** The name of a variable the configuration reads. */
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
    if (!spec) throw new Error(`${name} is not a registered variable; add it to the variables of its settings group (stacks/settings/*.ts), then run npm run docs:config`);
    if (spec.environments) {
      if (environment === undefined) throw new Error(`${name} is read only in ${spec.environments.join(', ')}; create the reader with the environment first`);
      if (!spec.environments.includes(environment)) return undefined;
    }
    return env[name];
  };
  return { raw, text: (name) => raw(name)?.trim() || undefined };
}
