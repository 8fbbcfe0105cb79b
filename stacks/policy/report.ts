/** Renders a policy result as the text that synth prints and tests show on failure. */
import type { Finding, PolicyResult } from './types';

/** A readable report: each finding with its address, construct path and fix; then each suppression with its reason. */
export function formatReport(result: PolicyResult): string {
  const { context, findings, suppressed } = result;
  const where = `stack "${context.stackId}" (${context.environment})`;
  const lines: string[] = [
    findings.length === 0 ? `Policy check of ${where}: no findings` : `Policy check of ${where}: ${findings.length} finding${findings.length === 1 ? '' : 's'}`,
  ];
  for (const finding of sorted(findings)) {
    lines.push(`  ${finding.ruleId} ${finding.address} (${finding.path})`, `      ${finding.message}`, `      fix: ${finding.fix}`);
  }
  if (suppressed.length > 0) {
    lines.push(`Suppressed (${suppressed.length}):`);
    for (const finding of sorted(suppressed)) {
      lines.push(`  ${finding.ruleId} ${finding.address} (${finding.path})`, `      ${finding.message}`, `      reason: ${finding.reason}`);
    }
  }
  if (findings.length > 0) lines.push('Rules and fixes: docs/policy.md. To accept a finding for one resource, call suppressPolicy(resource, ruleId, reason).');
  return lines.join('\n');
}

function sorted<T extends Finding>(findings: readonly T[]): T[] {
  return [...findings].sort((a, b) => a.ruleId.localeCompare(b.ruleId) || a.address.localeCompare(b.address));
}
