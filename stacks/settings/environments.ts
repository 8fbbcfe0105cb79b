/** The names of the environments: shared by config.ts and the settings modules it composes, so neither imports the other. */

export const ENVIRONMENT_NAMES = ['local', 'dev', 'prod', 'sandbox'] as const;
/** A named set of defaults; `CDKTF_ENV` chooses one. */
export type EnvironmentName = (typeof ENVIRONMENT_NAMES)[number];

/** Whether a text names an environment. */
export function isEnvironmentName(name: string): name is EnvironmentName {
  return (ENVIRONMENT_NAMES as readonly string[]).includes(name);
}
