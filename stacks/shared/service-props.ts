/**
 * How the settings of a Fargate service become the props of the LoadBalancedFargateService
 * pattern: one mapping for each configured service and for WordPress, whose settings share the
 * service settings' fields (`WordPressServiceSettings`). The stacks' shared wiring: it reads
 * settings and writes construct props, so it lives with the stacks, below them.
 */
import type { LoadBalancedFargateServiceProps, ServiceTargetProps } from '../constructs/patterns/load-balanced-fargate-service';
import { taskSettingsOf, type LoadBalancerSettings } from '../settings/service';
import type { WordPressServiceSettings } from '../settings/wordpress';

/** The subnets and VPC the services run in; the network stack's `Network` satisfies it. */
export interface ServiceNetwork {
  readonly vpcId: string;
  readonly publicSubnetIds: readonly string[];
  readonly privateSubnetIds: readonly string[];
}

/** What {@link fargateServiceProps} needs besides the settings of the service. */
export interface FargateServicePropsContext {
  readonly region: string;
  readonly network: ServiceNetwork;
  readonly logRetentionDays: number;
  readonly loadBalancers: LoadBalancerSettings;
}

/**
 * The task, service, scaling and target group options of a Fargate service's settings: the fields
 * each configured service shares with WordPress (`WordPressServiceSettings`), mapped the same way
 * for both stacks.
 */
export function fargateServiceProps(
  settings: WordPressServiceSettings,
  context: FargateServicePropsContext,
): Pick<LoadBalancedFargateServiceProps, 'task' | 'service' | 'scaling'> & { readonly target: Pick<ServiceTargetProps, 'healthCheck' | 'deregistrationDelaySeconds'> } {
  const { network } = context;
  const publicTasks = settings.subnets === 'public';
  return {
    // The task definition's own settings pass through as the spec lists them (taskSettingsOf).
    task: { region: context.region, logRetentionDays: context.logRetentionDays, ...taskSettingsOf(settings) },
    service: {
      vpcId: network.vpcId,
      subnetIds: publicTasks ? network.publicSubnetIds : network.privateSubnetIds,
      assignPublicIp: publicTasks,
      desiredCount: settings.desiredCount,
      minHealthyPercent: settings.minHealthyPercent,
      maxPercent: settings.maxPercent,
      healthCheckGracePeriodSeconds: settings.healthCheckGracePeriodSeconds,
      spot: settings.spot,
      capacityProviderStrategy: settings.capacityProviderStrategy,
    },
    scaling: settings.scaling,
    target: {
      healthCheck: { path: settings.healthCheck.path, successCodes: settings.healthCheck.codes },
      deregistrationDelaySeconds: context.loadBalancers.deregistrationDelaySeconds,
    },
  };
}
