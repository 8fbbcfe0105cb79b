/** Checks of DNS names, shared by the settings and the DNS constructs. */

/** Why a DNS name is not a valid zone or record name, or undefined. */
export function dnsNameProblem(name: string): string | undefined {
  const labels = name.replace(/\.$/, '').split('.');
  const valid = name.length <= 253 && labels.length >= 2 && labels.every((l) => /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/.test(l));
  return valid ? undefined : `"${name}" is not a DNS name; use lower-case labels of letters, digits and hyphens joined by dots, e.g. svc.internal`;
}
