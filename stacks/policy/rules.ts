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
import { monitoringRules } from './rules/monitoring';
import { rdsRules } from './rules/rds';
import { s3Rules } from './rules/s3';
import { securityGroupRules } from './rules/security-group';
import { stateRules } from './rules/state';
import { vpcRules } from './rules/vpc';
import { wafRules } from './rules/waf';

export { looksSecret } from './rules/ecs';

/**
 * The checkov and trivy ids a rule's `mirrors` names: checkov's `CKV_AWS_n` / `CKV2_AWS_n`, and
 * trivy's `AWS-nnnn` or its check names (tfsec's, which trivy kept), or `-` when it names none.
 */
export function scannerIds(mirrors: string): string {
  const checkov = mirrors.match(/CKV2?_AWS_\d+(-\d+)?/g) ?? [];
  const trivy = mirrors.match(/\bAWS-\d{4}\b|\baws-[a-z0-9]+(-[a-z0-9]+)+\b/g) ?? [];
  const ids = [...new Set([...checkov, ...trivy.map((id) => (id.startsWith('AWS-') ? `AVD-${id}` : id))])];
  return ids.length === 0 ? '-' : ids.join(', ');
}
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
  ...monitoringRules,
  ...s3Rules,
  ...wafRules,
  ...iamRules,
  ...vpcRules,
  ...dnsRules,
  ...stateRules,
];
