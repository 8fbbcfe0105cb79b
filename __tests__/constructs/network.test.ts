import { Testing } from 'cdktf';
import { Network, type NetworkProps } from '../../stacks/constructs/network';
import { byPath, parse, ref, resources, synthesizedOnce } from '../support/synth';

const ZONES = ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'];

/** The network's JSON; the same overrides synthesize once per file, since the tests only read it. */
const synthNetworkText = synthesizedOnce((overrides: Partial<NetworkProps>): string =>
  Testing.synthScope((scope) => {
    new Network(scope, 'vpc', { name: 'test-dev', region: 'eu-west-1', cidrBlock: '10.30.0.0/16', availabilityZones: ZONES, ...overrides });
  }),
);
const synthNetwork = (overrides: Partial<NetworkProps> = {}) => parse(synthNetworkText(overrides));

describe('Network subnets', () => {
  it('creates one public and one private subnet in each zone with the laid-out blocks', () => {
    const json = synthNetwork();
    const subnets = resources(json, 'aws_subnet').map((s) => [s.path, s.props.availability_zone, s.props.cidr_block]);
    expect(subnets).toEqual(
      expect.arrayContaining([
        ['vpc/public-eu-west-1a', 'eu-west-1a', '10.30.0.0/20'],
        ['vpc/private-eu-west-1a', 'eu-west-1a', '10.30.128.0/20'],
        ['vpc/public-eu-west-1c', 'eu-west-1c', '10.30.32.0/20'],
        ['vpc/private-eu-west-1c', 'eu-west-1c', '10.30.160.0/20'],
      ]),
    );
    expect(subnets).toHaveLength(6);
  });

  it('never maps public IPs on launch', () => {
    const json = synthNetwork();
    expect(resources(json, 'aws_subnet').every((s) => s.props.map_public_ip_on_launch === false)).toBe(true);
  });

  it('routes public subnets to the internet gateway', () => {
    const json = synthNetwork();
    const route = byPath(json, 'vpc/public-default');
    expect(route.props).toMatchObject({ destination_cidr_block: '0.0.0.0/0', gateway_id: ref(byPath(json, 'vpc/igw')) });
    expect(byPath(json, 'vpc/public-eu-west-1b-rta').props.route_table_id).toBe(ref(byPath(json, 'vpc/public-rt')));
  });

  it('gives each private subnet a route table of its own', () => {
    const json = synthNetwork();
    for (const az of ZONES) {
      expect(byPath(json, `vpc/private-${az}-rta`).props).toMatchObject({
        subnet_id: ref(byPath(json, `vpc/private-${az}`)),
        route_table_id: ref(byPath(json, `vpc/private-${az}-rt`)),
      });
    }
  });

  it('strips the default security group of all rules', () => {
    const json = synthNetwork();
    const sg = byPath(json, 'vpc/default-sg');
    expect([sg.props.ingress, sg.props.egress]).toEqual([undefined, undefined]);
  });

  it('refuses an empty zone list with the fix', () => {
    expect(() => synthNetwork({ availabilityZones: [] })).toThrow('Network: availabilityZones is empty; list at least one zone');
  });
});

describe('Network NAT modes', () => {
  it('none: no NAT gateway and no default route in private route tables', () => {
    const json = synthNetwork({ natMode: 'none' });
    expect(resources(json, 'aws_nat_gateway')).toHaveLength(0);
    expect(resources(json, 'aws_route').map((r) => r.path)).toEqual(['vpc/public-default']);
  });

  it('single: one NAT gateway in the first public subnet, used by every private subnet', () => {
    const json = synthNetwork({ natMode: 'single' });
    const nats = resources(json, 'aws_nat_gateway');
    expect(nats.map((n) => n.path)).toEqual(['vpc/nat-eu-west-1a']);
    expect(nats[0].props.subnet_id).toBe(ref(byPath(json, 'vpc/public-eu-west-1a')));
    for (const az of ZONES) {
      expect(byPath(json, `vpc/private-${az}-default`).props).toMatchObject({
        route_table_id: ref(byPath(json, `vpc/private-${az}-rt`)),
        destination_cidr_block: '0.0.0.0/0',
        nat_gateway_id: ref(nats[0]),
      });
    }
  });

  it('per-az: private subnets route to the NAT of their own zone', () => {
    const json = synthNetwork({ natMode: 'per-az' });
    expect(resources(json, 'aws_nat_gateway')).toHaveLength(3);
    expect(resources(json, 'aws_eip')).toHaveLength(3);
    for (const az of ZONES) {
      const nat = byPath(json, `vpc/nat-${az}`);
      expect(nat.props.subnet_id).toBe(ref(byPath(json, `vpc/public-${az}`)));
      expect(byPath(json, `vpc/private-${az}-default`).props.nat_gateway_id).toBe(ref(nat));
    }
  });

  it('each NAT gateway has an elastic IP in the VPC domain', () => {
    const json = synthNetwork({ natMode: 'single' });
    const eip = byPath(json, 'vpc/nat-eu-west-1a-eip');
    expect(eip.props.domain).toBe('vpc');
    expect(byPath(json, 'vpc/nat-eu-west-1a').props.allocation_id).toBe(ref(eip));
  });
});

describe('Network endpoints', () => {
  it('adds free gateway endpoints for DynamoDB and S3 on every private route table', () => {
    const json = synthNetwork();
    const privateTables = ZONES.map((az) => ref(byPath(json, `vpc/private-${az}-rt`)));
    for (const service of ['dynamodb', 's3']) {
      expect(byPath(json, `vpc/${service}-endpoint`).props).toMatchObject({
        service_name: `com.amazonaws.eu-west-1.${service}`,
        vpc_endpoint_type: 'Gateway',
        route_table_ids: privateTables,
      });
    }
  });

  it('adds no interface endpoints by default', () => {
    const json = synthNetwork();
    expect(resources(json, 'aws_vpc_endpoint').filter((e) => e.props.vpc_endpoint_type === 'Interface')).toHaveLength(0);
    expect(resources(json, 'aws_security_group')).toHaveLength(0);
  });

  it('interface endpoints sit in the private subnets with private DNS and an HTTPS-only group', () => {
    const json = synthNetwork({ interfaceEndpoints: ['ecr.api', 'ecr.dkr', 'logs'] });
    const sg = byPath(json, 'vpc/endpoints-sg');
    expect(sg.props.ingress).toEqual([expect.objectContaining({ protocol: 'tcp', from_port: 443, to_port: 443, cidr_blocks: ['10.30.0.0/16'] })]);
    const endpoint = byPath(json, 'vpc/ecr-dkr-endpoint');
    expect(endpoint.props).toMatchObject({
      service_name: 'com.amazonaws.eu-west-1.ecr.dkr',
      vpc_endpoint_type: 'Interface',
      private_dns_enabled: true,
      subnet_ids: ZONES.map((az) => ref(byPath(json, `vpc/private-${az}`))),
      security_group_ids: [ref(sg)],
    });
    expect(resources(json, 'aws_vpc_endpoint')).toHaveLength(5);
  });
});

describe('Network flow logs', () => {
  it('records no flow logs by default', () => {
    expect(resources(synthNetwork(), 'aws_flow_log')).toHaveLength(0);
  });

  it('records all traffic of the VPC into a log group with the given retention', () => {
    const json = synthNetwork({ flowLogs: { retentionDays: 90 } });
    const group = byPath(json, 'vpc/flow-logs');
    expect(group.props).toMatchObject({ name: '/vpc/test-dev/flow-logs', retention_in_days: 90 });
    expect(byPath(json, 'vpc/flow-log').props).toMatchObject({
      vpc_id: ref(resources(json, 'aws_vpc')[0]),
      traffic_type: 'ALL',
      log_destination_type: 'cloud-watch-logs',
      log_destination: ref(group, 'arn'),
      iam_role_arn: ref(byPath(json, 'vpc/flow-logs-role'), 'arn'),
      max_aggregation_interval: 60,
    });
  });

  it('lets only VPC Flow Logs assume the delivery role, which may write only to its log group', () => {
    const json = synthNetwork({ flowLogs: { retentionDays: 30 } });
    const trust = JSON.parse(byPath(json, 'vpc/flow-logs-role').props.assume_role_policy as string);
    expect(trust.Statement).toEqual([{ Sid: 'VpcFlowLogs', Effect: 'Allow', Principal: { Service: 'vpc-flow-logs.amazonaws.com' }, Action: 'sts:AssumeRole' }]);
    const policy = JSON.parse(byPath(json, 'vpc/flow-logs-policy').props.policy as string);
    expect(policy.Statement).toEqual([
      {
        Sid: 'WriteFlowLogGroup',
        Effect: 'Allow',
        Action: ['logs:CreateLogStream', 'logs:DescribeLogStreams', 'logs:PutLogEvents'],
        Resource: [`${ref(byPath(json, 'vpc/flow-logs'), 'arn')}:*`],
      },
      { Sid: 'FindLogGroup', Effect: 'Allow', Action: ['logs:DescribeLogGroups'], Resource: ['*'] },
    ]);
  });

  it('refuses a retention CloudWatch does not accept, with the accepted values', () => {
    expect(() => synthNetwork({ flowLogs: { retentionDays: 45 } })).toThrow(
      'Network: flowLogs.retentionDays 45 is not a CloudWatch retention; use one of 1, 3, 5, 7, 14, 30, 60, 90',
    );
  });
});
