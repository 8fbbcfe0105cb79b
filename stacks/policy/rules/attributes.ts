/** How the rules judge synthesized values, and the shape shared by rules that judge each resource alone. */
import type { TfDocument, TfElement } from '../../lib/tf-json';
import type { PolicyContext, Rule } from '../types';

/** True as Terraform reads it: the boolean or the string. */
export function isTrue(value: unknown): boolean {
  return value === true || value === 'true';
}

/** The strings of a list attribute, or the one string of a scalar. */
export function strings(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  return typeof value === 'string' ? [value] : [];
}

/** A non-blank string, or undefined. */
export function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

/** A number given as number or numeric string, or undefined. */
export function numberOf(value: unknown): number | undefined {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof n === 'number' && Number.isFinite(n) ? n : undefined;
}

/** Rules for real deployments only: `local` is the embedded DynamoDB. */
export const outsideLocal = (context: PolicyContext) => context.environment !== 'local';
/** Rules for prod only. */
export const inProd = (context: PolicyContext) => context.environment === 'prod';
/** Rules that only stop a destroy: they step aside during a deliberate teardown. */
export const unlessTeardown =
  (appliesTo: (context: PolicyContext) => boolean) =>
  (context: PolicyContext): boolean =>
    !context.teardown && appliesTo(context);

/** A rule that looks at each resource of some types on its own. */
export function perResource(
  spec: Omit<Rule, 'check'> & {
    /** Other resource types the test reads (e.g. policies that target the resource). */
    readonly alsoReads?: readonly string[];
    readonly appliesTo?: (context: PolicyContext) => boolean;
    /** The problem with one resource, or undefined when it complies. */
    readonly test: (element: TfElement, doc: TfDocument, context: PolicyContext) => string | undefined;
  },
): Rule {
  const { appliesTo, test, alsoReads = [], ...rule } = spec;
  return {
    ...rule,
    resourceTypes: [...rule.resourceTypes, ...alsoReads],
    check(doc, context) {
      if (appliesTo && !appliesTo(context)) return [];
      return doc.resources(...spec.resourceTypes).flatMap((element) => {
        const message = test(element, doc, context);
        return message === undefined ? [] : [{ element, message }];
      });
    },
  };
}
