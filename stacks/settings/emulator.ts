/**
 * How the `sandbox` environment reaches its emulated AWS (moto 5.2.1 behind one local port): the
 * provider endpoints it points there. The emulator's gaps live beside the sandbox script
 * (scripts/lib/emulator.ts).
 */

import { singleEndpointUrl } from '../lib/emulator-profile';

/** Port of the local moto server when `MOTO_PORT` is unset: moto's own default. */
export const DEFAULT_MOTO_PORT = 5000;

/**
 * The services moto serves for the sandbox, by their keys in the provider's `endpoints` block
 * (hashicorp/aws 5.100.0): every service the blueprint's stacks use, and the ones the coming stacks
 * need (EFS, RDS, Route 53, ACM, Cloud Map, Secrets Manager, SSM), AWS Backup and WAF included. The
 * provider reaches moto through a profile that sends every service to its one URL
 * (stacks/lib/emulator-profile.ts), so nothing can reach the real AWS by accident; this list is what
 * the sandbox's tests hold the stacks' resource types to.
 */
export const EMULATED_ENDPOINTS = [
  'acm',
  'appautoscaling',
  'backup',
  'cloudwatch',
  'dynamodb',
  'ec2',
  'ecr',
  'ecs',
  'efs',
  'elb',
  'elbv2',
  'iam',
  'kms',
  'logs',
  'rds',
  'route53',
  's3',
  'secretsmanager',
  'servicediscovery',
  'sns',
  'ssm',
  'sts',
  'wafv2',
] as const;
export type EmulatedEndpoint = (typeof EMULATED_ENDPOINTS)[number];

/** Every emulated endpoint of the provider pointed at one moto URL. */
export function emulatorEndpoints(url: string): Record<EmulatedEndpoint, string> {
  return Object.fromEntries(EMULATED_ENDPOINTS.map((key) => [key, url])) as Record<EmulatedEndpoint, string>;
}

/** The one URL that every endpoint points at; an error when they point at several (or none). */
export function emulatorUrl(endpoints: Readonly<Record<string, string>>): string {
  const url = singleEndpointUrl(endpoints);
  if (url === undefined) {
    const urls = [...new Set(Object.values(endpoints))];
    throw new Error(`sandbox: the provider endpoints point at ${urls.length} URLs (${urls.join(', ') || 'none'}); the sandbox expects one moto server`);
  }
  return url;
}

/** The loopback URL of the moto server on `port`. */
export function motoUrl(port: number): string {
  return `http://127.0.0.1:${port}`;
}
