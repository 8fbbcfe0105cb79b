/** Pure subnet layout: which CIDR block each zone's public and private subnet gets. */
import { formatCidr, parseCidr, subnetOf } from './cidr';

/** The two subnets of one availability zone. */
export interface ZoneSubnets {
  readonly availabilityZone: string;
  readonly publicCidr: string;
  readonly privateCidr: string;
}

/** Extra prefix bits per subnet: a /16 VPC gives /20 subnets (4,091 usable addresses each). */
export const SUBNET_NEW_BITS = 4;

/**
 * Splits the VPC into 16 equal blocks: zone i gets block i for its public subnet and block 8+i for
 * its private one. Adding a zone at the end never moves an existing subnet.
 */
export function layoutSubnets(vpcCidr: string, availabilityZones: readonly string[]): ZoneSubnets[] {
  const vpc = parseCidr(vpcCidr);
  if (!vpc) throw new Error(`cidrBlock: "${vpcCidr}" is not an IPv4 CIDR block; use one like 10.0.0.0/16`);
  const half = 2 ** (SUBNET_NEW_BITS - 1);
  if (availabilityZones.length > half) {
    throw new Error(`availabilityZones: ${availabilityZones.length} zones do not fit; the layout holds at most ${half}`);
  }
  return availabilityZones.map((availabilityZone, i) => ({
    availabilityZone,
    publicCidr: formatCidr(subnetOf(vpc, SUBNET_NEW_BITS, i)),
    privateCidr: formatCidr(subnetOf(vpc, SUBNET_NEW_BITS, half + i)),
  }));
}
