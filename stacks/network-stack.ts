/** The `network` stack: one VPC, and outputs for the stacks that run inside it. */
import { TerraformOutput } from 'cdktf';
import type { Construct } from 'constructs';
import { BaseStack, type BaseStackProps } from './base-stack';
import { Network } from './constructs/network';
import { physicalName } from './lib/naming';

/** The VPC with its subnets, egress and endpoints; other stacks consume `network`. */
export class NetworkStack extends BaseStack {
  /** Passed to the service stack; its members become cross-stack references. */
  readonly network: Network;

  constructor(scope: Construct, id: 'network', props: BaseStackProps) {
    super(scope, id, props);
    const { network, region } = this.config;

    this.network = new Network(this, 'vpc', {
      name: physicalName(this.config),
      region,
      cidrBlock: network.cidrBlock,
      availabilityZones: network.availabilityZones,
      natMode: network.natMode,
      interfaceEndpoints: network.interfaceEndpoints,
      flowLogs: network.flowLogRetentionDays > 0 ? { retentionDays: network.flowLogRetentionDays } : undefined,
    });

    new TerraformOutput(this, 'vpc_id', { value: this.network.vpcId, description: 'VPC id' });
    new TerraformOutput(this, 'public_subnet_ids', { value: this.network.publicSubnetIds, description: 'Public subnets, one per zone' });
    new TerraformOutput(this, 'private_subnet_ids', { value: this.network.privateSubnetIds, description: 'Private subnets, one per zone' });
  }
}
