/** A VPC over several availability zones with its subnets, routing, egress and endpoints. */
import { Construct } from 'constructs';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { DefaultSecurityGroup } from '@cdktf/provider-aws/lib/default-security-group';
import { Eip } from '@cdktf/provider-aws/lib/eip';
import { FlowLog } from '@cdktf/provider-aws/lib/flow-log';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { InternetGateway } from '@cdktf/provider-aws/lib/internet-gateway';
import { NatGateway } from '@cdktf/provider-aws/lib/nat-gateway';
import { Route } from '@cdktf/provider-aws/lib/route';
import { RouteTable } from '@cdktf/provider-aws/lib/route-table';
import { RouteTableAssociation } from '@cdktf/provider-aws/lib/route-table-association';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { Subnet } from '@cdktf/provider-aws/lib/subnet';
import { Vpc } from '@cdktf/provider-aws/lib/vpc';
import { VpcEndpoint } from '@cdktf/provider-aws/lib/vpc-endpoint';
import { policyDocument, trustPolicyDocument } from '../lib/iam';
import { isLogRetentionDays, LOG_RETENTION_DAYS } from '../lib/log-retention';
import { layoutSubnets } from '../lib/subnet-layout';

/** Egress of the private subnets; see `NetworkProps.natMode`. */
export type NetworkNatMode = 'none' | 'single' | 'per-az';

/** VPC flow logs delivered to a CloudWatch log group of their own. */
export interface FlowLogsProps {
  /** Days CloudWatch Logs keeps the records; one of the retention periods it accepts. */
  readonly retentionDays: number;
  /**
   * Which traffic to record.
   * @default 'ALL'
   */
  readonly trafficType?: 'ALL' | 'ACCEPT' | 'REJECT';
}

/** Props of {@link Network}. */
export interface NetworkProps {
  /** Prefix of the `Name` tags, e.g. `bookmarks-dev`. */
  readonly name: string;
  /** Region of the VPC, used to name endpoint services (`com.amazonaws.<region>.dynamodb`). */
  readonly region: string;
  /** IPv4 block of the VPC. */
  readonly cidrBlock: string;
  /** One public and one private subnet is created in each zone, in this order. */
  readonly availabilityZones: readonly string[];
  /**
   * `single` puts one NAT gateway in the first zone; `per-az` one in every zone, each private
   * subnet routing to the NAT of its own zone.
   * @default 'none' - private subnets reach AWS only through the VPC endpoints
   */
  readonly natMode?: NetworkNatMode;
  /**
   * Gateway endpoints, attached to the private route tables. They cost nothing and keep traffic
   * to these services off the NAT gateways.
   * @default ['dynamodb', 's3']
   */
  readonly gatewayEndpoints?: readonly ('dynamodb' | 's3')[];
  /**
   * Interface endpoints (e.g. `ecr.api`, `ecr.dkr`, `logs`) in the private subnets, with private DNS.
   * @default [] - none; tasks pull images through a NAT gateway or from public subnets
   */
  readonly interfaceEndpoints?: readonly string[];
  /**
   * Record the VPC's traffic (every ENI, 1-minute aggregation) in a log group written by a role that
   * may write only there.
   * @default - no flow logs
   */
  readonly flowLogs?: FlowLogsProps;
}

/** A VPC with public and private subnets per zone, internet gateway, NAT and VPC endpoints. */
export class Network extends Construct {
  /** Id of the VPC. */
  readonly vpcId: string;
  /** IPv4 block of the VPC. */
  readonly cidrBlock: string;
  /** The zones, in the order of the subnet lists. */
  readonly availabilityZones: readonly string[];
  /** Public subnets (internet gateway route), one per zone: for load balancers and NAT gateways. */
  readonly publicSubnetIds: string[];
  /** Private subnets, one per zone: for tasks. */
  readonly privateSubnetIds: string[];
  /** Route tables of the private subnets, one per zone. */
  readonly privateRouteTableIds: string[];
  /** Security group of the interface endpoints (HTTPS from inside the VPC), if any endpoints exist. */
  readonly endpointSecurityGroupId?: string;

  constructor(scope: Construct, id: string, props: NetworkProps) {
    super(scope, id);
    const natMode = props.natMode ?? 'none';
    const gatewayEndpoints = props.gatewayEndpoints ?? ['dynamodb', 's3'];
    const interfaceEndpoints = props.interfaceEndpoints ?? [];
    if (props.availabilityZones.length === 0) {
      throw new Error('Network: availabilityZones is empty; list at least one zone, e.g. ["eu-west-1a"]');
    }
    if (props.flowLogs && !isLogRetentionDays(props.flowLogs.retentionDays)) {
      throw new Error(`Network: flowLogs.retentionDays ${props.flowLogs.retentionDays} is not a CloudWatch retention; use one of ${LOG_RETENTION_DAYS.join(', ')}`);
    }
    const layout = layoutSubnets(props.cidrBlock, props.availabilityZones);
    const name = (suffix: string) => ({ Name: `${props.name}-${suffix}` });

    const vpc = new Vpc(this, 'vpc', {
      cidrBlock: props.cidrBlock,
      enableDnsHostnames: true,
      enableDnsSupport: true,
      tags: name('vpc'),
    });
    // Strip the default group of its allow-all rules so nothing can use it by accident.
    new DefaultSecurityGroup(this, 'default-sg', { vpcId: vpc.id, tags: name('default-deny') });

    const igw = new InternetGateway(this, 'igw', { vpcId: vpc.id, tags: name('igw') });
    const publicRoutes = new RouteTable(this, 'public-rt', { vpcId: vpc.id, tags: name('public') });
    new Route(this, 'public-default', {
      routeTableId: publicRoutes.id,
      destinationCidrBlock: '0.0.0.0/0',
      gatewayId: igw.id,
    });

    // Construct ids are keyed by zone name, never by position, so reordering zones replaces nothing.
    const zones = layout.map((zone) => {
      const az = zone.availabilityZone;
      const publicSubnet = new Subnet(this, `public-${az}`, {
        vpcId: vpc.id,
        availabilityZone: az,
        cidrBlock: zone.publicCidr,
        // Nothing gets a public IP implicitly; a service that needs one asks for it explicitly.
        mapPublicIpOnLaunch: false,
        tags: { ...name(`public-${az}`), Tier: 'public' },
      });
      new RouteTableAssociation(this, `public-${az}-rta`, { subnetId: publicSubnet.id, routeTableId: publicRoutes.id });

      const privateSubnet = new Subnet(this, `private-${az}`, {
        vpcId: vpc.id,
        availabilityZone: az,
        cidrBlock: zone.privateCidr,
        mapPublicIpOnLaunch: false,
        tags: { ...name(`private-${az}`), Tier: 'private' },
      });
      const privateRoutes = new RouteTable(this, `private-${az}-rt`, { vpcId: vpc.id, tags: name(`private-${az}`) });
      new RouteTableAssociation(this, `private-${az}-rta`, { subnetId: privateSubnet.id, routeTableId: privateRoutes.id });
      return { az, publicSubnet, privateSubnet, privateRoutes };
    });

    const natZones = natMode === 'per-az' ? zones : natMode === 'single' ? zones.slice(0, 1) : [];
    const natByZone = new Map(
      natZones.map(({ az, publicSubnet }) => {
        const eip = new Eip(this, `nat-${az}-eip`, { domain: 'vpc', tags: name(`nat-${az}`) });
        const nat = new NatGateway(this, `nat-${az}`, {
          allocationId: eip.id,
          subnetId: publicSubnet.id,
          tags: name(`nat-${az}`),
          dependsOn: [igw],
        });
        return [az, nat] as const;
      }),
    );
    for (const { az, privateRoutes } of zones) {
      // per-az: the NAT of the subnet's own zone; single: the only one.
      const nat = natByZone.get(az) ?? [...natByZone.values()][0];
      if (!nat) continue;
      new Route(this, `private-${az}-default`, {
        routeTableId: privateRoutes.id,
        destinationCidrBlock: '0.0.0.0/0',
        natGatewayId: nat.id,
      });
    }

    const privateRouteTableIds = zones.map((z) => z.privateRoutes.id);
    for (const service of gatewayEndpoints) {
      new VpcEndpoint(this, `${service}-endpoint`, {
        vpcId: vpc.id,
        serviceName: `com.amazonaws.${props.region}.${service}`,
        vpcEndpointType: 'Gateway',
        routeTableIds: privateRouteTableIds,
        tags: name(service),
      });
    }

    if (interfaceEndpoints.length > 0) {
      const endpointSg = new SecurityGroup(this, 'endpoints-sg', {
        name: `${props.name}-endpoints`,
        description: 'HTTPS from inside the VPC to interface endpoints',
        vpcId: vpc.id,
        ingress: [{ description: 'HTTPS from the VPC', protocol: 'tcp', fromPort: 443, toPort: 443, cidrBlocks: [props.cidrBlock] }],
        tags: name('endpoints'),
      });
      this.endpointSecurityGroupId = endpointSg.id;
      for (const service of interfaceEndpoints) {
        new VpcEndpoint(this, `${service.replace(/\./g, '-')}-endpoint`, {
          vpcId: vpc.id,
          serviceName: `com.amazonaws.${props.region}.${service}`,
          vpcEndpointType: 'Interface',
          privateDnsEnabled: true,
          subnetIds: zones.map((z) => z.privateSubnet.id),
          securityGroupIds: [endpointSg.id],
          tags: name(service),
        });
      }
    }

    if (props.flowLogs) this.addFlowLogs(vpc, props.name, props.flowLogs);

    this.vpcId = vpc.id;
    this.cidrBlock = props.cidrBlock;
    this.availabilityZones = [...props.availabilityZones];
    this.publicSubnetIds = zones.map((z) => z.publicSubnet.id);
    this.privateSubnetIds = zones.map((z) => z.privateSubnet.id);
    this.privateRouteTableIds = privateRouteTableIds;
  }

  private addFlowLogs(vpc: Vpc, name: string, props: FlowLogsProps): void {
    const logGroup = new CloudwatchLogGroup(this, 'flow-logs', {
      name: `/vpc/${name}/flow-logs`,
      retentionInDays: props.retentionDays,
      tags: { Name: `${name}-flow-logs` },
    });
    const role = new IamRole(this, 'flow-logs-role', {
      name: `${name}-vpc-flow-logs`,
      description: 'Lets VPC Flow Logs deliver records to the flow-log group',
      assumeRolePolicy: trustPolicyDocument([{ sid: 'VpcFlowLogs', service: 'vpc-flow-logs.amazonaws.com' }]),
    });
    new IamRolePolicy(this, 'flow-logs-policy', {
      name: 'deliver-flow-logs',
      role: role.id,
      policy: policyDocument([
        {
          sid: 'WriteFlowLogGroup',
          actions: ['logs:CreateLogStream', 'logs:DescribeLogStreams', 'logs:PutLogEvents'],
          resources: [`${logGroup.arn}:*`],
        },
        // Delivery checks that the group exists; DescribeLogGroups has no resource-level permission.
        { sid: 'FindLogGroup', actions: ['logs:DescribeLogGroups'], resources: ['*'] },
      ]),
    });
    new FlowLog(this, 'flow-log', {
      vpcId: vpc.id,
      trafficType: props.trafficType ?? 'ALL',
      logDestinationType: 'cloud-watch-logs',
      logDestination: logGroup.arn,
      iamRoleArn: role.arn,
      maxAggregationInterval: 60,
      tags: { Name: `${name}-flow-log` },
    });
  }
}
