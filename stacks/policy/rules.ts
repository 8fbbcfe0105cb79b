/**
 * The policy rules: pure checks of a stack's synthesized Terraform JSON, one file per concern
 * under rules/. Each rule names the checkov / tfsec / AWS Security Hub check it mirrors;
 * docs/policy.md lists them all.
 */
import type { Rule } from './types';
import { backupRules } from './rules/backup';
import { dnsRules } from './rules/dns';
import { dynamodbRules } from './rules/dynamodb';
import { ecrRules } from './rules/ecr';
import { ecsRules } from './rules/ecs';
import { efsRules } from './rules/efs';
import { iamRules } from './rules/iam';
import { loadBalancerRules } from './rules/load-balancer';
import { logRules } from './rules/logs';
import { rdsRules } from './rules/rds';
import { s3Rules } from './rules/s3';
import { securityGroupRules } from './rules/security-group';
import { stateRules } from './rules/state';
import { vpcRules } from './rules/vpc';
import { wafRules } from './rules/waf';

export { looksSecret } from './rules/ecs';
export { RESOURCELESS_ACTIONS } from './rules/iam';

/** Every rule, in the order of docs/policy.md. */
export const RULES: readonly Rule[] = [
  ...dynamodbRules,
  ...ecrRules,
  ...loadBalancerRules,
  ...securityGroupRules,
  ...ecsRules,
  ...efsRules,
  ...rdsRules,
  ...backupRules,
  ...logRules,
  ...s3Rules,
  ...wafRules,
  ...iamRules,
  ...vpcRules,
  ...dnsRules,
  ...stateRules,
];
