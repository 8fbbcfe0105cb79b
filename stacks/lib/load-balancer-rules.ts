/** Checks of load balancer settings, shared by the settings and the LoadBalancer construct: pure, so both may import them. */
import { parseCidr } from './cidr';

const ACM_ARN = /^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/.+/;

/** Why a list of ALB health-check success codes is invalid, or undefined if it is fine. */
export function successCodesProblem(codes: string): string | undefined {
  const parts = codes.split(',');
  const valid = parts.every((part) => {
    const match = /^(\d{3})(?:-(\d{3}))?$/.exec(part);
    if (!match) return false;
    const low = Number(match[1]);
    const high = Number(match[2] ?? match[1]);
    return low >= 200 && high <= 499 && low <= high;
  });
  return valid ? undefined : `health-check success codes "${codes}" are invalid; use codes or ranges from 200 to 499, e.g. 200,401 or 200-299`;
}

/** Why a health-check path is invalid, or undefined. */
export function healthCheckPathProblem(path: string): string | undefined {
  return path.startsWith('/') ? undefined : `health-check path "${path}" must start with "/", e.g. /health`;
}

/** Why a certificate ARN is not an ACM certificate ARN (tokens known only at apply pass), or undefined. */
export function certificateArnProblem(arn: string): string | undefined {
  if (arn.includes('${') || ACM_ARN.test(arn)) return undefined;
  return `certificate ARN "${arn}" is not an ACM certificate ARN; use arn:aws:acm:<region>:<account>:certificate/<id>`;
}

/** Why a deregistration delay is out of range, or undefined. */
export function deregistrationDelayProblem(seconds: number): string | undefined {
  return Number.isInteger(seconds) && seconds >= 0 && seconds <= 3600 ? undefined : `deregistration delay ${seconds} s is out of range; use 0 to 3600, e.g. 30`;
}

/** Why a client CIDR is not an IPv4 or IPv6 CIDR block, or undefined. */
export function ingressCidrProblem(cidr: string): string | undefined {
  const ipv6 = /^[0-9a-fA-F:]+\/(\d{1,3})$/.exec(cidr);
  if (ipv6 && cidr.includes(':') && Number(ipv6[1]) <= 128) return undefined;
  return parseCidr(cidr) ? undefined : `client CIDR "${cidr}" is not an IPv4 or IPv6 CIDR block; use one like 203.0.113.0/24 or 2001:db8::/32`;
}

/** Why a listener port is not a TCP port, or undefined. */
export function portProblem(port: number): string | undefined {
  return Number.isInteger(port) && port >= 1 && port <= 65535 ? undefined : `port ${port} is not a TCP port; use 1 to 65535, e.g. 80`;
}
