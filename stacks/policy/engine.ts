/**
 * The policy engine: runs the rules of rules.ts over a stack's synthesized Terraform JSON and
 * splits what they find into findings and suppressed findings. Everything except
 * `policyInput` is a pure function of parsed JSON.
 */
import { DefaultTokenResolver, StringConcat, TerraformBackend, TerraformDataSource, TerraformResource, Tokenization } from 'cdktf';
import type { TerraformStack } from 'cdktf';
import { isRecord, TfDocument, type TfAttributes, type TfElement, type TfJson } from '../lib/tf-json';
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

const RESOLVER = new DefaultTokenResolver(new StringConcat());

/**
 * The document the rules need from a stack: the backend plus every resource and data source of a
 * type some rule reads, resolved exactly as synth resolves them. Other types (the thousands of
 * seeded table items) are skipped without being resolved, which keeps the check cheap.
 * Call it after the app has prepared its stacks (as a stack validation does).
 */
export function policyInput(stack: TerraformStack, rules: readonly Rule[] = RULES): TfJson {
  const resourceTypes = new Set(rules.flatMap((r) => r.resourceTypes));
  const dataTypes = new Set(rules.flatMap((r) => r.dataTypes ?? []));
  const json: { resource: Record<string, Record<string, TfAttributes>>; data: Record<string, Record<string, TfAttributes>>; terraform: Record<string, unknown> } = {
    resource: {},
    data: {},
    terraform: {},
  };
  const resolve = (element: { toTerraform(): unknown }) => Tokenization.resolve(element.toTerraform(), { scope: stack, resolver: RESOLVER, preparing: false }) as TfJson;

  for (const construct of stack.node.findAll()) {
    if (TerraformResource.isTerraformResource(construct) || TerraformDataSource.isTerraformDataSource(construct)) {
      const mode = TerraformResource.isTerraformResource(construct) ? 'resource' : 'data';
      const wanted = mode === 'resource' ? resourceTypes : dataTypes;
      if (!wanted.has(construct.terraformResourceType)) continue;
      const fragment = resolve(construct)[mode] ?? {};
      for (const [type, byId] of Object.entries(fragment)) json[mode][type] = { ...json[mode][type], ...byId };
    } else if (TerraformBackend.isBackend(construct)) {
      json.terraform.backend = resolve(construct).terraform?.backend;
    }
  }
  return json;
}
