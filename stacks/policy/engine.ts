/**
 * The policy engine: runs the rules of rules.ts over a stack's synthesized Terraform JSON and
 * splits what they find into findings and suppressed findings. Everything except
 * `policyInput` is a pure function of parsed JSON.
 */
import { DefaultTokenResolver, StringConcat, TerraformBackend, TerraformDataSource, TerraformResource, Tokenization } from 'cdktf';
import type { TerraformStack } from 'cdktf';
import { RULES } from './rules';
import { SUPPRESSIONS_KEY } from './suppress';

/** Attributes of one resource or data source as synthesized (snake_case keys, `${...}` references). */
export type TfAttributes = Record<string, unknown>;

/** The parts of a parsed cdk.tf.json the rules read. */
export interface TfJson {
  readonly resource?: Record<string, Record<string, TfAttributes>>;
  readonly data?: Record<string, Record<string, TfAttributes>>;
  readonly terraform?: { readonly backend?: Record<string, TfAttributes> } & Record<string, unknown>;
}

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

/** One resource or data source of the document, addressed as Terraform addresses it. */
export interface TfElement {
  /** `resource` or `data`. */
  readonly mode: 'resource' | 'data';
  readonly type: string;
  readonly logicalId: string;
  /** `type.logicalId`, or `data.type.logicalId` for data sources. */
  readonly address: string;
  /** Construct path below the stack (`vpc/default-sg`), or the logical id when the JSON has no metadata. */
  readonly path: string;
  readonly attributes: TfAttributes;
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
  check(doc: PolicyDocument, context: PolicyContext): Violation[];
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

/** Indexed read access to a synthesized document, shared by all rules of one run. */
export class PolicyDocument {
  private readonly byType = new Map<string, TfElement[]>();
  private readonly byAddress = new Map<string, TfElement>();

  constructor(readonly json: TfJson) {
    for (const mode of ['resource', 'data'] as const) {
      for (const [type, byId] of Object.entries(json[mode] ?? {})) {
        const elements = Object.entries(byId).map(([logicalId, attributes]) => toElement(mode, type, logicalId, attributes));
        this.byType.set(`${mode}:${type}`, elements);
        for (const element of elements) this.byAddress.set(element.address, element);
      }
    }
  }

  /** Every resource of the given types. */
  resources(...types: string[]): TfElement[] {
    return types.flatMap((type) => this.byType.get(`resource:${type}`) ?? []);
  }

  /** Every data source of the given types. */
  dataSources(...types: string[]): TfElement[] {
    return types.flatMap((type) => this.byType.get(`data:${type}`) ?? []);
  }

  /** The element a reference such as `${aws_vpc.vpc_vpc_1234ABCD.id}` points to, if it is in the document. */
  referenced(value: unknown): TfElement | undefined {
    const address = referenceAddress(value);
    return address === undefined ? undefined : this.byAddress.get(address);
  }

  /** The backend block, e.g. `{ kind: 's3', attributes: {...} }`, if the stack declares one. */
  backend(): { kind: string; attributes: TfAttributes } | undefined {
    const [entry] = Object.entries(this.json.terraform?.backend ?? {});
    return entry ? { kind: entry[0], attributes: entry[1] } : undefined;
  }
}

/**
 * `aws_vpc.x` for a string that is exactly one reference `${aws_vpc.x.id}` (or `${data.t.x.json}`);
 * undefined for literals and expressions.
 */
export function referenceAddress(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const match = /^\$\{((?:data\.)?[a-z0-9_]+\.[A-Za-z0-9_-]+)(?:\.[A-Za-z0-9_.[\]"*-]+)?\}$/.exec(value);
  return match?.[1];
}

/** Runs the rules over one parsed document. */
export function checkPolicy(json: TfJson, context: PolicyContext, rules: readonly Rule[] = RULES): PolicyResult {
  const doc = new PolicyDocument(json);
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
function unknownSuppressions(doc: PolicyDocument, known: ReadonlySet<string>): Finding[] {
  const all = (['resource', 'data'] as const).flatMap((mode) =>
    Object.entries(doc.json[mode] ?? {}).flatMap(([type, byId]) => Object.entries(byId).map(([id, attributes]) => toElement(mode, type, id, attributes))),
  );
  return all.flatMap((element) =>
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
  const comment = element.attributes['//'] as Record<string, unknown> | undefined;
  const recorded = comment?.[SUPPRESSIONS_KEY];
  return recorded && typeof recorded === 'object' ? (recorded as Record<string, string>) : {};
}

function toElement(mode: 'resource' | 'data', type: string, logicalId: string, attributes: TfAttributes): TfElement {
  const metadata = (attributes['//'] as { metadata?: { path?: string } } | undefined)?.metadata;
  // The metadata path starts with the stack id; the report shows the path inside the stack.
  const path = metadata?.path ? metadata.path.split('/').slice(1).join('/') : logicalId;
  const address = mode === 'data' ? `data.${type}.${logicalId}` : `${type}.${logicalId}`;
  return { mode, type, logicalId, address, path, attributes };
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
