/** The policy findings of composed stacks, got as synth's validation gets them, without writing the stacks to disk. */
import type { BaseStack } from '../../stacks/base-stack';

/** Prepares `stacks` as synth does (cross-stack outputs and remote state), then lists every finding as `stack: RULE address: message`. */
export function policyFindings(stacks: readonly BaseStack[]): string[] {
  for (const stack of stacks) stack.prepareStack();
  return stacks.flatMap((stack) => stack.policyResult().findings.map((f) => `${stack.node.id}: ${f.ruleId} ${f.address}: ${f.message}`));
}
