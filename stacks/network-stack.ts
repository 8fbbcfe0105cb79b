/**
 * The `network` stack: one VPC, the alarm topic of the environment, and outputs for the stacks
 * that run inside it. The topic lives here because every other stack already reads this one, so
 * no read goes in a circle.
 */
import { TerraformOutput } from 'cdktf';
import type { Construct } from 'constructs';
import { BaseStack, type BaseStackProps } from './base-stack';
import { AlarmTopic } from './constructs/alarm-topic';
import { Network } from './constructs/network';
import { physicalName } from './lib/naming';

/** The VPC with its subnets, egress and endpoints; other stacks consume `network`. */
export class NetworkStack extends BaseStack {
  /** Passed to the service stack; its members become cross-stack references. */
  readonly network: Network;
  /** Where every alarm of the environment notifies; only with alarms on (not in local). */
  readonly alarmTopic?: AlarmTopic;

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

    const { alarms } = this.config;
    if (alarms.enabled) {
      this.alarmTopic = new AlarmTopic(this, 'alarms', { name: physicalName(this.config, 'alarms'), emails: alarms.emails, httpsEndpoints: alarms.httpsEndpoints });
      new TerraformOutput(this, 'alarm_topic_arn', { value: this.alarmTopic.topicArn, description: 'SNS topic of every alarm and OK notification' });
    }

    new TerraformOutput(this, 'vpc_id', { value: this.network.vpcId, description: 'VPC id' });
    new TerraformOutput(this, 'public_subnet_ids', { value: this.network.publicSubnetIds, description: 'Public subnets, one per zone' });
    new TerraformOutput(this, 'private_subnet_ids', { value: this.network.privateSubnetIds, description: 'Private subnets, one per zone' });
  }
}
