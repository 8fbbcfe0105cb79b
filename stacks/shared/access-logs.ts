/**
 * The access-log bucket of a stack's internet-facing load balancer, from its settings: one bucket
 * per stack, because the stacks are deployed and destroyed apart.
 */
import type { Construct } from 'constructs';
import { LogBucket } from '../constructs/log-bucket';
import { physicalName } from '../lib/naming';
import type { AppConfig } from '../settings/app-config';
import type { LoadBalancerSettings } from '../settings/service';

/** S3 takes bucket name prefixes of at most 37 characters. */
const MAX_PREFIX = 37;

/** The log bucket (`<project>-<env>-<name>-<suffix>`), or undefined when the settings keep no access logs. */
export function accessLogBucket(scope: Construct, config: AppConfig, settings: LoadBalancerSettings, name = 'alb-logs'): LogBucket | undefined {
  if (settings.accessLogDays === 0) return undefined;
  return new LogBucket(scope, 'access-logs', {
    namePrefix: `${physicalName(config, name).slice(0, MAX_PREFIX - 1)}-`,
    region: config.region,
    expirationDays: settings.accessLogDays,
    // Without deletion protection (dev, a teardown) the logs go with the stack.
    forceDestroy: !settings.deletionProtection,
  });
}
