/** The `network` group: the VPC layout, its defaults per environment, its variables and its checks. */
import { parseCidr } from '../lib/cidr';
import { isLogRetentionDays, LOG_RETENTION_DAYS } from '../lib/log-retention';
import type { EnvironmentName } from './environments';
import { type GroupVariables, text, value, variable } from './spec';

export const NAT_MODES = ['none', 'single', 'per-az'] as const;
/**
 * How private subnets reach the internet: `none` (only VPC endpoints), `single` (one NAT gateway
 * for all zones: cheaper, but a zone outage cuts egress) or `per-az` (one per zone: resilient).
 */
export type NatMode = (typeof NAT_MODES)[number];

export const INTERFACE_ENDPOINTS = ['ecr.api', 'ecr.dkr', 'logs', 'secretsmanager', 'ssm'] as const;
/** Interface endpoints that let tasks in private subnets pull images and ship logs without a NAT. */
export type InterfaceEndpointName = (typeof INTERFACE_ENDPOINTS)[number];

/** Subnets are carved as /prefix+4 blocks: public in the first half, private in the second. */
export const MAX_AVAILABILITY_ZONES = 8;

/** The VPC layout. */
export interface NetworkSettings {
  /** IPv4 block of the VPC, /16 to /24. */
  readonly cidrBlock: string;
  /** Zones to spread subnets over, named explicitly so that a plan needs no API lookup. */
  readonly availabilityZones: readonly string[];
  readonly natMode: NatMode;
  readonly interfaceEndpoints: readonly InterfaceEndpointName[];
  /** Days to keep VPC flow logs in CloudWatch Logs; 0 records none. */
  readonly flowLogRetentionDays: number;
}

/** The network of each environment (sandbox is dev's). */
export function networkDefaults(name: EnvironmentName): NetworkSettings {
  switch (name) {
    case 'local':
      return { cidrBlock: '10.20.0.0/16', availabilityZones: ['us-east-1a', 'us-east-1b'], natMode: 'none', interfaceEndpoints: [], flowLogRetentionDays: 0 };
    case 'dev':
    case 'sandbox':
      // One NAT gateway (~32 USD/month) instead of one per zone: dev tolerates a zone outage.
      return { cidrBlock: '10.30.0.0/16', availabilityZones: ['eu-west-1a', 'eu-west-1b'], natMode: 'single', interfaceEndpoints: [], flowLogRetentionDays: 0 };
    case 'prod':
      return {
        cidrBlock: '10.40.0.0/16',
        availabilityZones: ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'],
        natMode: 'per-az',
        // Image pulls and logs stay inside the VPC: cheaper than NAT data processing, and private.
        interfaceEndpoints: ['ecr.api', 'ecr.dkr', 'logs'],
        // Traffic records for incident response; CloudWatch ingestion is billed per GB.
        flowLogRetentionDays: 90,
      };
  }
}

type NetworkOverrides = Partial<NetworkSettings>;

/** The network's variables. */
export const NETWORK_VARIABLES = {
  CDKTF_AZS: variable({
    group: 'network',
    description: 'availability zones, listed so that plans need no AWS lookup',
    values: `comma-separated zones of the region, at most ${MAX_AVAILABILITY_ZONES}`,
    parse: text.list(),
    apply: (o, availabilityZones) => ({ ...o, availabilityZones }),
    defaultIn: (d) => value(d.availabilityZones.join(',')),
  }),
  CDKTF_VPC_CIDR: variable({
    group: 'network',
    description: 'IPv4 block of the VPC',
    values: 'a CIDR block, /16 to /24',
    parse: text.any(),
    apply: (o, cidrBlock) => ({ ...o, cidrBlock }),
    defaultIn: (d) => value(d.cidrBlock),
  }),
  CDKTF_NAT_MODE: variable({
    group: 'network',
    description: 'NAT gateways of the private subnets: none, one for all zones, or one per zone',
    values: NAT_MODES.join(', '),
    parse: text.oneOf(NAT_MODES, 'a NAT mode'),
    apply: (o, natMode) => ({ ...o, natMode }),
    defaultIn: (d) => value(d.natMode),
  }),
  CDKTF_INTERFACE_ENDPOINTS: variable({
    group: 'network',
    description: 'interface endpoints in the private subnets (image pulls and logs without NAT)',
    values: `comma-separated ${INTERFACE_ENDPOINTS.join(', ')}; or none`,
    parse: text.list(),
    // Unknown names are left for networkProblems, which names each of them.
    apply: (o, endpoints) => ({ ...o, interfaceEndpoints: endpoints as InterfaceEndpointName[] }),
    defaultIn: (d) => value(d.interfaceEndpoints.length > 0 ? d.interfaceEndpoints.join(',') : 'none'),
  }),
  CDKTF_FLOW_LOG_DAYS: variable({
    group: 'network',
    description: 'days to keep VPC flow logs in CloudWatch Logs; 0 records none',
    values: `0, or a CloudWatch retention period (${LOG_RETENTION_DAYS.slice(0, 12).join(', ')}, ...)`,
    parse: text
      .any()
      .refine((v) => /^\d+$/.test(v) && (Number(v) === 0 || isLogRetentionDays(Number(v))), {
        error: `is not a CloudWatch retention period; use 0 (no flow logs) or one of ${LOG_RETENTION_DAYS.join(', ')}`,
      })
      .transform(Number),
    apply: (o, flowLogRetentionDays) => ({ ...o, flowLogRetentionDays }),
    defaultIn: (d) => value(d.flowLogRetentionDays),
  }),
} satisfies GroupVariables<NetworkSettings, NetworkOverrides>;

/** Every problem with a network in `region`, each naming the setting, the bad value and the fix. */
export function networkProblems(network: NetworkSettings, region: string): string[] {
  const problems: string[] = [];
  const cidr = parseCidr(network.cidrBlock);
  if (!cidr) {
    problems.push(`network.cidrBlock: "${network.cidrBlock}" is not an IPv4 CIDR block with zero host bits; use one like 10.0.0.0/16`);
  } else if (cidr.prefix < 16 || cidr.prefix > 24) {
    problems.push(`network.cidrBlock: "${network.cidrBlock}" has prefix /${cidr.prefix}; AWS VPCs take /16 to /24 here, e.g. 10.0.0.0/16`);
  }

  const azs = network.availabilityZones;
  if (azs.length === 0) {
    problems.push(`network.availabilityZones: none listed; list at least one zone of ${region}, e.g. ${region}a,${region}b`);
  }
  if (azs.length > MAX_AVAILABILITY_ZONES) {
    problems.push(`network.availabilityZones: ${azs.length} zones listed; at most ${MAX_AVAILABILITY_ZONES} fit the subnet layout`);
  }
  azs.forEach((az, i) => {
    if (azs.indexOf(az) !== i) {
      problems.push(`network.availabilityZones: "${az}" is listed more than once; list each zone once`);
    } else if (!new RegExp(`^${escapeRegExp(region)}[a-z]$`).test(az)) {
      problems.push(`network.availabilityZones[${i}]: "${az}" is not a zone of region ${region}; use e.g. ${region}a`);
    }
  });

  if (!(NAT_MODES as readonly string[]).includes(network.natMode)) {
    problems.push(`network.natMode: "${network.natMode}" is not a NAT mode; use one of ${NAT_MODES.join(', ')}`);
  }
  network.interfaceEndpoints.forEach((name) => {
    if (!(INTERFACE_ENDPOINTS as readonly string[]).includes(name)) {
      problems.push(`network.interfaceEndpoints: "${name}" is not supported; use any of ${INTERFACE_ENDPOINTS.join(', ')}`);
    }
  });
  if (network.flowLogRetentionDays !== 0 && !isLogRetentionDays(network.flowLogRetentionDays)) {
    problems.push(
      `network.flowLogRetentionDays: ${JSON.stringify(network.flowLogRetentionDays)} is not a CloudWatch retention period; use 0 (no flow logs) or one of ${LOG_RETENTION_DAYS.join(', ')}`,
    );
  }
  return problems;
}

function escapeRegExp(source: string): string {
  return source.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
