/** The `environment` group: the environment, the project prefix, the region and the tags, with their variables and checks. */
import { ENVIRONMENT_NAMES, type EnvironmentName } from './environments';
import { text, value, variable, type GroupVariables } from './spec';

/** The environment when `CDKTF_ENV` is unset. */
export const DEFAULT_ENVIRONMENT: EnvironmentName = 'local';
/** The prefix of every physical name unless `CDKTF_PROJECT` says otherwise. */
export const DEFAULT_PROJECT = 'bookmarks';

/** Who a deployment is and where it runs. */
export interface ProjectSettings {
  readonly environment: EnvironmentName;
  /** Short lower-case prefix of every physical name. */
  readonly project: string;
  readonly region: string;
  /** Applied to every taggable resource through the provider's `default_tags`. */
  readonly tags: Readonly<Record<string, string>>;
}

/** local runs in us-east-1 (the embedded DynamoDB's answer), the others in eu-west-1. */
export function projectDefaults(name: EnvironmentName): ProjectSettings {
  // The embedded DynamoDB does not store tags, so tags would show as drift on every plan.
  const tags: Record<string, string> = name === 'local' ? {} : { Project: DEFAULT_PROJECT, Environment: name, ManagedBy: 'cdktf' };
  return { environment: name, project: DEFAULT_PROJECT, region: name === 'local' ? 'us-east-1' : 'eu-west-1', tags };
}

/** The project variables. `CDKTF_ENV` is read first, to choose the defaults. */
export const PROJECT_VARIABLES = {
  CDKTF_ENV: variable({
    group: 'environment',
    description: `the environment, a typed set of defaults (unset: ${DEFAULT_ENVIRONMENT}); sandbox is dev on the emulated AWS of a local moto server`,
    values: ENVIRONMENT_NAMES.join(', '),
    parse: text.oneOf(ENVIRONMENT_NAMES, 'an environment'),
    apply: (o, environment) => ({ ...o, environment }),
    defaultIn: (d) => value(d.environment),
  }),
  CDKTF_PROJECT: variable({
    group: 'environment',
    description: 'prefix of every physical name, `<project>-<env>-<name>`, and the Project tag',
    values: '2-16 lower-case letters, digits, hyphens',
    parse: text.any(),
    apply: (o, project) => ({ ...o, project }),
    defaultIn: (d) => value(d.project),
  }),
  CDKTF_REGION: variable({
    group: 'environment',
    description: 'AWS region of every stack (the zones must belong to it)',
    values: 'a region name, e.g. eu-west-1',
    parse: text.any(),
    apply: (o, region) => ({ ...o, region }),
    defaultIn: (d) => value(d.region),
  }),
} satisfies GroupVariables<ProjectSettings, Partial<ProjectSettings>>;

/** The tags of `project`: the defaults' Project tag follows a renamed project. */
export function tagsFor(defaults: ProjectSettings, project: string): Readonly<Record<string, string>> {
  if (project === defaults.project || !('Project' in defaults.tags)) return defaults.tags;
  return { ...defaults.tags, Project: project };
}

/** Every problem with the project name and region. */
export function projectProblems(settings: Pick<ProjectSettings, 'project' | 'region'>): string[] {
  const problems: string[] = [];
  if (!/^[a-z][a-z0-9-]{1,15}$/.test(settings.project)) {
    problems.push(`project: "${settings.project}" is not a valid name prefix; use 2-16 lower-case letters, digits or hyphens, starting with a letter`);
  }
  if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(settings.region)) {
    problems.push(`region: "${settings.region}" is not an AWS region name; use one like eu-west-1`);
  }
  return problems;
}
