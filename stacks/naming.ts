/** Physical names: the one place that decides how AWS resources are named. */

/** What a physical name is derived from. */
export interface NamingContext {
  readonly project: string;
  readonly environment: string;
}

/**
 * `<project>-<environment>-<parts...>`, lower case, e.g. `bookmarks-dev-resource`.
 * Names stay short because ALB and target-group names are limited to 32 characters.
 */
export function physicalName(context: NamingContext, ...parts: string[]): string {
  return [context.project, context.environment, ...parts]
    .join('-')
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-');
}
