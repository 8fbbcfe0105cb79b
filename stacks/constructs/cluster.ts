/** An ECS cluster with the Fargate capacity providers that several services share. */
import type { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import { EcsCluster } from '@cdktf/provider-aws/lib/ecs-cluster';
import { EcsClusterCapacityProviders } from '@cdktf/provider-aws/lib/ecs-cluster-capacity-providers';

/** Props of {@link FargateCluster}. */
export interface FargateClusterProps {
  /** Name of the cluster. */
  readonly name: string;
  /** @default 'enabled' */
  readonly containerInsights?: 'enabled' | 'enhanced' | 'disabled';
}

/** A cluster offering FARGATE and FARGATE_SPOT; each service picks its own strategy. */
export class FargateCluster extends Construct {
  readonly clusterName: string;
  readonly clusterArn: string;
  /** Services must be created after the capacity providers are attached, or ECS refuses their strategy. */
  readonly capacityProviders: ITerraformDependable;

  constructor(scope: Construct, id: string, props: FargateClusterProps) {
    super(scope, id);
    const cluster = new EcsCluster(this, 'ecs-cluster', {
      name: props.name,
      setting: [{ name: 'containerInsights', value: props.containerInsights ?? 'enabled' }],
    });
    const providers = new EcsClusterCapacityProviders(this, 'capacity-providers', {
      clusterName: cluster.name,
      capacityProviders: ['FARGATE', 'FARGATE_SPOT'],
      defaultCapacityProviderStrategy: [{ capacityProvider: 'FARGATE', weight: 1 }],
    });
    this.clusterName = cluster.name;
    this.clusterArn = cluster.arn;
    this.capacityProviders = providers;
  }
}
