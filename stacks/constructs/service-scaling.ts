/** Target-tracking scaling of one ECS service: CPU, memory and requests per target of each of its target groups. */
import { Construct } from 'constructs';
import { AppautoscalingPolicy } from '@cdktf/provider-aws/lib/appautoscaling-policy';
import { AppautoscalingTarget } from '@cdktf/provider-aws/lib/appautoscaling-target';
import { type ScalingOptions, scalingProblems } from '../lib/service-rules';

/** Props of {@link ServiceScaling}. */
export interface ServiceScalingProps extends ScalingOptions {
  readonly clusterName: string;
  readonly serviceName: string;
  /** Target groups with their request-count labels (`LoadBalancerTarget`). @default [] */
  readonly targets?: readonly { readonly id: string; readonly requestCountLabel: string }[];
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
