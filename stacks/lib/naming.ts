/** Physical names: the one place that decides how AWS resources are named. */

/** The default service's name: it keeps every physical name of the one-service layout. */
export const DEFAULT_SERVICE_NAME = 'service';

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

/** The cluster all services of the `service` stack share: `<project>-<env>-service`, its name since the one-service layout. */
export function clusterName(context: NamingContext): string {
  return physicalName(context, 'service');
}

/**
 * One service's ECS service, task family, roles, log group and repository: `<project>-<env>-<service>`.
 * The default service is named `service`, so it keeps the names of the one-service layout.
 */
export function serviceName(context: NamingContext, service: string): string {
  return physicalName(context, service);
}

/** The one container of each service of the `service` stack, the one a release changes the image of. */
export const CONTAINER_NAME = 'app';

/** The internet-facing load balancer keeps `<project>-<env>`; the internal one is `<project>-<env>-internal`. */
export function loadBalancerName(context: NamingContext, scheme: 'external' | 'internal'): string {
  return scheme === 'external' ? physicalName(context) : physicalName(context, 'internal');
}

/** The private hosted zone when none is configured: `<env>.<project>.internal` (`.internal` is reserved for private use). */
export function privateZoneName(context: NamingContext): string {
  return `${context.environment}.${context.project}.internal`.toLowerCase();
}

/** `PRODUCT_URL` for the service `product`: the variable a consumer reads a service's internal URL from. */
export function serviceUrlVariable(service: string): string {
  return `${service.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}_URL`;
}
