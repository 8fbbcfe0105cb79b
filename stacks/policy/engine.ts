/**
 * The policy engine: runs the rules of rules.ts over a stack's synthesized Terraform JSON and
 * splits what they find into findings and suppressed findings, all pure functions of parsed JSON.
 * What the rules read of a stack comes from `policyInput` (input.ts), which alone needs cdktf.
 */
import { isRecord, TfDocument, type TfElement, type TfJson } from '../lib/tf-json';
import { RULES } from './rules';
import type { Finding, PolicyContext, PolicyResult, Rule, SuppressedFinding } from './types';
import { SUPPRESSIONS_KEY } from './suppress';

export type { Finding, PolicyContext, PolicyResult, Rule, SuppressedFinding, Violation } from './types';

/** Runs the rules over one parsed document. */
export function checkPolicy(json: TfJson, context: PolicyContext, rules: readonly Rule[] = RULES): PolicyResult {
  const doc = new TfDocument(json);
  const findings: Finding[] = [];
  const suppressed: SuppressedFinding[] = [];
  const known = new Set(rules.map((r) => r.id));

  for (const rule of rules) {
    for (const violation of rule.check(doc, context)) {
      const finding: Finding = {
        ruleId: rule.id,
        address: violation.element?.address ?? 'terraform.backend',
        path: violation.element?.path ?? context.stackId,
        message: violation.message,
        fix: rule.fix,
      };
      const reason = violation.element ? suppressionsOf(violation.element)[rule.id] : undefined;
      if (reason) suppressed.push({ ...finding, reason });
      else findings.push(finding);
    }
  }
  findings.push(...unknownSuppressions(doc, known));
  return { context, findings, suppressed };
}

/** A suppression naming a rule that does not exist hides nothing and is most likely a typo. */
function unknownSuppressions(doc: TfDocument, known: ReadonlySet<string>): Finding[] {
  return doc.elements.flatMap((element) =>
    Object.keys(suppressionsOf(element))
      .filter((id) => !known.has(id))
      .map((id) => ({
        ruleId: 'POL001',
        address: element.address,
        path: element.path,
        message: `suppresses "${id}", which is not a rule`,
        fix: 'name a rule id from docs/policy.md in suppressPolicy, or remove the suppression',
      })),
  );
}

/** The suppressions `suppressPolicy` recorded on an element: rule id → reason. */
export function suppressionsOf(element: TfElement): Record<string, string> {
  const comment = element.props['//'];
  const recorded = isRecord(comment) ? comment[SUPPRESSIONS_KEY] : undefined;
  return recorded && typeof recorded === 'object' ? (recorded as Record<string, string>) : {};
}
