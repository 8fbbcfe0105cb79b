/** The vocabulary of the policy: what a rule is, what it knows, and what a run reports. The engine and every rule import it. */
import type { TfDocument, TfElement } from '../lib/tf-json';

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
