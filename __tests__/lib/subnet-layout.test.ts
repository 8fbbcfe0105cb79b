import { formatCidr, parseCidr, subnetOf } from '../../stacks/lib/cidr';
import { layoutSubnets } from '../../stacks/lib/subnet-layout';

describe('cidr arithmetic', () => {
  it('parses and formats a block without change', () => {
    expect(formatCidr(parseCidr('10.20.0.0/16')!)).toBe('10.20.0.0/16');
  });

  it('refuses host bits, out-of-range octets and prefixes', () => {
    expect([parseCidr('10.20.0.1/16'), parseCidr('10.256.0.0/16'), parseCidr('10.0.0.0/40'), parseCidr('10.0.0/16')]).toEqual([undefined, undefined, undefined, undefined]);
  });

  it('takes the n-th subnet like Terraform cidrsubnet()', () => {
    expect(formatCidr(subnetOf(parseCidr('10.0.0.0/16')!, 4, 9))).toBe('10.0.144.0/20');
  });

  it('refuses a subnet index beyond the parent', () => {
    expect(() => subnetOf(parseCidr('10.0.0.0/16')!, 4, 16)).toThrow('cannot take subnet 16 of /20 inside 10.0.0.0/16');
  });
});

describe('subnet layout', () => {
  it('gives each zone a public block in the first half and a private block in the second', () => {
    expect(layoutSubnets('10.30.0.0/16', ['eu-west-1a', 'eu-west-1b'])).toEqual([
      { availabilityZone: 'eu-west-1a', publicCidr: '10.30.0.0/20', privateCidr: '10.30.128.0/20' },
      { availabilityZone: 'eu-west-1b', publicCidr: '10.30.16.0/20', privateCidr: '10.30.144.0/20' },
    ]);
  });

  it('adding a zone at the end keeps the existing subnets where they are', () => {
    const two = layoutSubnets('10.30.0.0/16', ['a', 'b']);
    const three = layoutSubnets('10.30.0.0/16', ['a', 'b', 'c']);
    expect(three.slice(0, 2)).toEqual(two);
  });

  it('no two subnets overlap', () => {
    const zones = layoutSubnets('10.0.0.0/24', ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h']);
    const blocks = zones.flatMap((z) => [z.publicCidr, z.privateCidr]);
    expect(new Set(blocks).size).toBe(16);
  });

  it('refuses more zones than half the blocks', () => {
    expect(() => layoutSubnets('10.0.0.0/16', 'abcdefghi'.split(''))).toThrow('availabilityZones: 9 zones do not fit; the layout holds at most 8');
  });
});
