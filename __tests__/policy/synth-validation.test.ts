import { Testing } from 'cdktf';
import type { Construct } from 'constructs';
import { Subnet } from '@cdktf/provider-aws/lib/subnet';
import { BaseStack, type BaseStackProps } from '../../stacks/base-stack';
import { buildConfig } from '../../stacks/settings/config';
import { NetworkStack } from '../../stacks/network-stack';
import type { TfJson } from '../../stacks/lib/tf-json';
import { checkPolicy } from '../../stacks/policy/engine';
import { policyInput } from '../../stacks/policy/input';
import { suppressPolicy } from '../../stacks/policy/suppress';
import { withCertificates } from '../support/certificates';

/** A stack with one subnet that maps public IPs on launch (VPC001). */
class LeakyStack extends BaseStack {
  readonly subnet: Subnet;
  constructor(scope: Construct, props: BaseStackProps) {
    super(scope, 'network', props);
    this.subnet = new Subnet(this, 'subnet', { vpcId: 'vpc-1', cidrBlock: '10.0.0.0/24', mapPublicIpOnLaunch: true });
  }
}

const config = buildConfig('dev', {}, '/project');

describe('policy check on synth', () => {
  it('fails synth with the report when a stack breaks a rule', () => {
    const stack = new LeakyStack(Testing.app(), { config });
    expect(() => Testing.synth(stack, true)).toThrow(/VPC001 aws_subnet\.subnet\w* \(subnet\)[\s\S]*fix: set mapPublicIpOnLaunch: false/);
  });

  it('lets synth pass when the resource suppresses the rule with a reason', () => {
    const stack = new LeakyStack(Testing.app(), { config });
    suppressPolicy(stack.subnet, 'VPC001', 'a lab subnet for instances reached directly over SSH');
    expect(() => Testing.synth(stack, true)).not.toThrow();
  });

  it('reads the same attributes as the full synth for every type a rule reads', () => {
    const prod = buildConfig('prod', withCertificates({ backend: { kind: 's3', bucket: 'acme-state', region: 'eu-west-1', keyPrefix: 'b' } }), '/project');
    const stack = new NetworkStack(Testing.app(), 'network', { config: prod });
    const full = stack.toTerraform() as TfJson;
    const input = policyInput(stack);
    const picked = Object.fromEntries(Object.keys(input.resource ?? {}).map((type) => [type, full.resource?.[type]]));
    expect([input.resource, input.terraform?.backend]).toEqual([picked, full.terraform?.backend]);
  });

  it('skips resource types that no rule reads', () => {
    const stack = new NetworkStack(Testing.app(), 'network', { config });
    expect(Object.keys(policyInput(stack).resource ?? {})).not.toContain('aws_route_table_association');
  });

  it('finds the lock setting of an S3 backend', () => {
    const prod = buildConfig('prod', withCertificates({ backend: { kind: 's3', bucket: 'acme-state', region: 'eu-west-1', keyPrefix: 'b' } }), '/project');
    const stack = new NetworkStack(Testing.app(), 'network', { config: prod });
    expect(checkPolicy(policyInput(stack), { stackId: 'network', environment: 'prod' }).findings).toEqual([]);
  });
});
