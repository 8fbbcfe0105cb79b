/** Pure IPv4 CIDR arithmetic for laying out subnets; no AWS knowledge beyond the /16–/28 VPC limits. */

/** An IPv4 network as a 32-bit base address and a prefix length. */
export interface Ipv4Cidr {
  readonly base: number;
  readonly prefix: number;
}

const CIDR_PATTERN = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

/** Parses `a.b.c.d/n`, or returns undefined when the text is not a canonical IPv4 CIDR block. */
export function parseCidr(text: string): Ipv4Cidr | undefined {
  const match = CIDR_PATTERN.exec(text.trim());
  if (!match) return undefined;
  const octets = match.slice(1, 5).map(Number);
  const prefix = Number(match[5]);
  if (octets.some((o) => o > 255) || prefix > 32) return undefined;
  const base = ((octets[0] << 24) | (octets[1] << 16) | (octets[2] << 8) | octets[3]) >>> 0;
  // Host bits must be zero: 10.0.1.0/16 is almost always a typo for 10.0.0.0/16 or 10.1.0.0/16.
  if (prefix < 32 && (base & (0xffffffff >>> prefix)) !== 0) return undefined;
  return { base, prefix };
}

/** Formats a network back to `a.b.c.d/n`. */
export function formatCidr(cidr: Ipv4Cidr): string {
  const b = cidr.base;
  return `${b >>> 24}.${(b >>> 16) & 255}.${(b >>> 8) & 255}.${b & 255}/${cidr.prefix}`;
}

/** The `index`-th block of `newBits` extra prefix bits inside `parent`, like Terraform's cidrsubnet(). */
export function subnetOf(parent: Ipv4Cidr, newBits: number, index: number): Ipv4Cidr {
  const prefix = parent.prefix + newBits;
  if (prefix > 32 || index < 0 || index >= 2 ** newBits) {
    throw new RangeError(`cannot take subnet ${index} of /${prefix} inside ${formatCidr(parent)}`);
  }
  return { base: (parent.base + index * 2 ** (32 - prefix)) >>> 0, prefix };
}
