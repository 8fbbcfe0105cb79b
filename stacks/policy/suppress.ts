/**
 * Per-resource suppressions of policy rules. The only policy module constructs may import: it
 * records the suppression in the resource's synthesized JSON, where the checker (and a reviewer
 * reading cdk.tf.json) finds it beside the resource it excuses.
 */
import type { TerraformDataSource, TerraformResource } from 'cdktf';

/** Key under the resource's `//` comment block (Terraform ignores `//` in JSON) that holds suppressions. */
export const SUPPRESSIONS_KEY = 'policy_suppressions';

/** Rule ids look like `DDB001` or `S3001`: an upper-case letter, letters or digits, then three digits. */
const RULE_ID = /^[A-Z][A-Z0-9]{1,4}\d{3}$/;
/** A reason short enough to be a label rather than an explanation is refused. */
const MIN_REASON_LENGTH = 10;

/**
 * Marks one resource as exempt from one rule, with the reason shown in every report.
 * Throws if the rule id is malformed or the reason is missing: a suppression must explain itself.
 */
export function suppressPolicy(resource: TerraformResource | TerraformDataSource, ruleId: string, reason: string): void {
  if (!RULE_ID.test(ruleId)) {
    throw new Error(`suppressPolicy ruleId: "${ruleId}" is not a rule id; use one like DDB001 (see docs/policy.md)`);
  }
  const trimmed = reason.trim();
  if (trimmed.length < MIN_REASON_LENGTH) {
    throw new Error(
      `suppressPolicy ${ruleId} on ${resource.node.path}: reason "${trimmed}" is too short; ` +
        `say in at least ${MIN_REASON_LENGTH} characters why this resource may break the rule`,
    );
  }
  resource.addOverride(`//.${SUPPRESSIONS_KEY}.${ruleId}`, trimmed);
}
