/** Target-tracking scaling of one ECS service: CPU, memory and requests per target of each of its target groups. */
import { Construct } from 'constructs';
import { AppautoscalingPolicy } from '@cdktf/provider-aws/lib/appautoscaling-policy';
import { AppautoscalingTarget } from '@cdktf/provider-aws/lib/appautoscaling-target';

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

/** Props of {@link ServiceScaling}. */
export interface ServiceScalingProps extends ScalingOptions {
  readonly clusterName: string;
  readonly serviceName: string;
  /** Target groups with their request-count labels (`LoadBalancerTarget`). @default [] */
  readonly targets?: readonly { readonly id: string; readonly requestCountLabel: string }[];
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

/** A scalable target on the service's desired count with one target-tracking policy per signal. */
export class ServiceScaling extends Construct {
  constructor(scope: Construct, id: string, props: ServiceScalingProps) {
    super(scope, id);
    const problems = scalingProblems(props);
    if (problems.length > 0) throw new Error(`ServiceScaling ${props.serviceName}: ${problems.join('; ')}`);
    const target = new AppautoscalingTarget(this, 'target', {
      serviceNamespace: 'ecs',
      scalableDimension: 'ecs:service:DesiredCount',
      resourceId: `service/${props.clusterName}/${props.serviceName}`,
      minCapacity: props.minTasks,
      maxCapacity: props.maxTasks,
    });
    const policies: { key: string; metric: string; value: number; label?: string }[] = [
      { key: 'cpu', metric: 'ECSServiceAverageCPUUtilization', value: props.cpuPercent ?? 70 },
      { key: 'memory', metric: 'ECSServiceAverageMemoryUtilization', value: props.memoryPercent ?? 80 },
    ];
    if (props.requestsPerTarget !== undefined) {
      for (const group of props.targets ?? []) {
        policies.push({ key: `requests-${group.id}`, metric: 'ALBRequestCountPerTarget', value: props.requestsPerTarget, label: group.requestCountLabel });
      }
    }
    for (const { key, metric, value, label } of policies) {
      new AppautoscalingPolicy(this, key, {
        name: `${key}-target-tracking`,
        policyType: 'TargetTrackingScaling',
        serviceNamespace: target.serviceNamespace,
        scalableDimension: target.scalableDimension,
        resourceId: target.resourceId,
        targetTrackingScalingPolicyConfiguration: {
          targetValue: value,
          predefinedMetricSpecification: { predefinedMetricType: metric, resourceLabel: label },
          scaleInCooldown: props.scaleInCooldownSeconds ?? 300,
          scaleOutCooldown: props.scaleOutCooldownSeconds ?? 60,
        },
      });
    }
  }
}
