/**
 * The policy engine: runs the rules of rules.ts over a stack's synthesized Terraform JSON and
 * splits what they find into findings and suppressed findings. Everything except
 * `policyInput` is a pure function of parsed JSON.
 */
import { DefaultTokenResolver, StringConcat, TerraformBackend, TerraformDataSource, TerraformResource, Tokenization } from 'cdktf';
import type { TerraformStack } from 'cdktf';
import { isRecord, TfDocument, type TfAttributes, type TfElement, type TfJson } from '../lib/tf-json';
import { RULES } from './rules';
import { SUPPRESSIONS_KEY } from './suppress';

/** What the rules know about the stack beyond its JSON. */
export interface PolicyContext {
  /** The stack id, e.g. `service`. */
  readonly stackId: string;
  /** The environment name, e.g. `local`, `dev`, `prod`; some rules apply only outside `local` or only in `prod`. */
  readonly environment: string;
  /**
   * The configuration deliberately gives tasks public IPs (public subnets, no NAT).
   * @default false
   */
  readonly allowPublicTaskIp?: boolean;
  /**
   * A deliberate teardown (`CDKTF_TEARDOWN=true`): the rules that only keep a destroy from
   * happening (deletion protection, prevent_destroy, images kept) do not apply.
   * @default false
   */
  readonly teardown?: boolean;
}

/** A rule broken by one element (or by the stack itself when `element` is absent). */
export interface Violation {
  readonly element?: TfElement;
  readonly message: string;
}

/** A policy rule: a pure check of the document. */
export interface Rule {
  /** Our id, e.g. `DDB001`; suppressions name it. */
  readonly id: string;
  /** The checkov / tfsec / AWS Security Hub checks it mirrors, or `own`. */
  readonly mirrors: string;
  /** What a compliant stack looks like, in one line. */
  readonly title: string;
  /** How to comply, in one line. */
  readonly fix: string;
  /** Resource types it reads; `policyInput` leaves every other type out. */
  readonly resourceTypes: readonly string[];
  /** Data-source types it reads. */
  readonly dataTypes?: readonly string[];
  check(doc: TfDocument, context: PolicyContext): Violation[];
}

/** A broken rule as reported. */
export interface Finding {
  readonly ruleId: string;
  /** Terraform address, e.g. `aws_lb.alb_lb_1A2B3C4D`, or `terraform.backend` for stack-wide findings. */
  readonly address: string;
  /** Construct path below the stack, e.g. `api/alb/lb`. */
  readonly path: string;
  readonly message: string;
  readonly fix: string;
}

/** A broken rule that the resource suppresses, with the suppression's reason. */
export interface SuppressedFinding extends Finding {
  readonly reason: string;
}

/** What one run of the rules over one stack produced. */
export interface PolicyResult {
  readonly context: PolicyContext;
  readonly findings: readonly Finding[];
  readonly suppressed: readonly SuppressedFinding[];
}

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
  const json: { resource: Record<string, Record<string, TfAttributes>>; data: Record<string, Record<string, TfAttributes>>; terraform: Record<string, unknown> } =
    { resource: {}, data: {}, terraform: {} };
  const resolve = (element: { toTerraform(): unknown }) =>
    Tokenization.resolve(element.toTerraform(), { scope: stack, resolver: RESOLVER, preparing: false }) as TfJson;

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
