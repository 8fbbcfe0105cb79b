/** Checks of service and scaling options, shared by the settings and the FargateService and ServiceScaling constructs. */
import { type CapacityProviderShare, capacityStrategyProblems, resolveCapacityStrategy } from './fargate-rules';

/**
 * Who registers a service's task-definition revisions after its first deploy: `terraform` (every
 * image change is a deploy) or `pipeline` (`npm run release` registers them; Terraform creates the
 * service and its first revision, and ignores later ones).
 */
export const RELEASE_MODES = ['terraform', 'pipeline'] as const;
export type ReleaseMode = (typeof RELEASE_MODES)[number];

/** The options of a service that can be checked without building it; see {@link serviceOptionProblems}. */
export interface ServiceOptions {
  readonly desiredCount: number;
  readonly minHealthyPercent: number;
  readonly maxPercent: number;
  readonly healthCheckGracePeriodSeconds: number;
  readonly spot?: boolean;
  readonly capacityProviderStrategy?: readonly CapacityProviderShare[];
  readonly cpuArchitecture?: string;
}

/** Every reason these service options would fail at deploy time, each with its fix. */
export function serviceOptionProblems(options: ServiceOptions): string[] {
  const problems = capacityStrategyProblems(resolveCapacityStrategy(options.spot ?? false, options.capacityProviderStrategy), {
    spot: options.spot,
    explicit: options.capacityProviderStrategy !== undefined,
    architecture: options.cpuArchitecture,
  });
  if (!Number.isInteger(options.desiredCount) || options.desiredCount < 0) {
    problems.push(`desiredCount ${options.desiredCount} is not a task count; use a whole number from 0`);
  }
  const { minHealthyPercent: min, maxPercent: max } = options;
  if (!Number.isInteger(min) || min < 0 || min > 100) problems.push(`minHealthyPercent ${min} is out of range; use 0 to 100`);
  if (!Number.isInteger(max) || max < 100 || max > 200) problems.push(`maxPercent ${max} is out of range; use 100 to 200`);
  if (min === 100 && max === 100) problems.push('minHealthyPercent 100 with maxPercent 100 leaves no room to deploy; raise maxPercent to 200');
  const grace = options.healthCheckGracePeriodSeconds;
  if (!Number.isInteger(grace) || grace < 0 || grace > 2147483647) {
    problems.push(`healthCheckGracePeriodSeconds ${grace} is not a number of seconds; use e.g. 60`);
  }
  return problems;
}

/** How a service scales; every average above its target adds tasks. */
export interface ScalingOptions {
  readonly minTasks: number;
  readonly maxTasks: number;
  /** Average CPU of the service, in percent. @default 70 */
  readonly cpuPercent?: number;
  /** Average memory of the service, in percent. @default 80 */
  readonly memoryPercent?: number;
  /** ALB requests per target per minute, tracked on each attached target group. @default - no request-count policy */
  readonly requestsPerTarget?: number;
  /** @default 300 */
  readonly scaleInCooldownSeconds?: number;
  /** @default 60 */
  readonly scaleOutCooldownSeconds?: number;
}

/** Every reason a scaling setting would be refused, each with its fix; `desiredCount` must lie inside it. */
export function scalingProblems(scaling: ScalingOptions, desiredCount?: number): string[] {
  const problems: string[] = [];
  const { minTasks, maxTasks } = scaling;
  if (!Number.isInteger(minTasks) || minTasks < 0) problems.push(`minTasks ${minTasks} is not a task count; use a whole number from 0`);
  if (!Number.isInteger(maxTasks) || maxTasks < Math.max(1, minTasks)) problems.push(`maxTasks ${maxTasks} is below minTasks ${minTasks} (or 1); raise maxTasks`);
  if (desiredCount !== undefined && minTasks <= maxTasks && (desiredCount < minTasks || desiredCount > maxTasks)) {
    problems.push(`desiredCount ${desiredCount} is outside scaling ${minTasks}..${maxTasks}; pick a count inside it`);
  }
  for (const key of ['cpuPercent', 'memoryPercent'] as const) {
    const value = scaling[key];
    if (value !== undefined && (!(value > 0) || value > 100)) problems.push(`${key} ${value} is out of range; use 1 to 100`);
  }
  const requests = scaling.requestsPerTarget;
  if (requests !== undefined && !(requests > 0)) problems.push(`requestsPerTarget ${requests} must be above 0, e.g. 1000`);
  return problems;
}
