/** What the sandbox suites share: a deployment's expected apply summaries, and keeping their logs. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { SANDBOX_STACKS, sandboxConfig, stateResourceCount, type SandboxContext, type SandboxStack, type StepResult } from '../../scripts/sandbox';

/** `[stack, "<n> added, 0 changed, 0 destroyed"]` for every sandbox stack, n counted in its synthesized JSON. */
export function expectedFirstApply(context: SandboxContext): [string, string][] {
  return SANDBOX_STACKS.map((stack) => {
    const json = JSON.parse(fs.readFileSync(path.join(context.outDir, 'stacks', stack, 'cdk.tf.json'), 'utf8')) as { resource?: Record<string, object> };
    const count = Object.values(json.resource ?? {}).reduce((sum, byId) => sum + Object.keys(byId).length, 0);
    return [stack, `${count} added, 0 changed, 0 destroyed`];
  });
}

/**
 * `[stack, summary]` of each deploy step. A step run again for an emulator gap reports only its
 * second run, so it reads as the full first apply when the stack's state then holds every
 * synthesized resource (and as its own summary otherwise, which fails the comparison).
 */
export function firstApplySummaries(context: SandboxContext, steps: readonly StepResult[]): [string, string][] {
  const expected = new Map(expectedFirstApply(context));
  return steps
    .filter((s) => s.step !== 'synth')
    .map((s) => {
      const full = expected.get(s.step) ?? '';
      const complete = s.retriedFor !== undefined && full.startsWith(`${stateResourceCount(sandboxConfig(context), s.step as SandboxStack)} added`);
      return [s.step, complete ? full : s.summary];
    });
}

/**
 * Keeps the logs of the last run in .local/sandbox-test/ (named `<prefix><log>`) for a post-mortem,
 * and removes the rest of the work directory (state, cdktf.out, bundle).
 */
export function keepLogsAndClean(root: string, work: string, logs: readonly string[], prefix = ''): void {
  const kept = path.join(root, '.local', 'sandbox-test');
  fs.mkdirSync(kept, { recursive: true });
  for (const log of logs.filter((name) => fs.existsSync(path.join(work, name)))) {
    fs.copyFileSync(path.join(work, log), path.join(kept, `${prefix}${log}`));
  }
  fs.rmSync(work, { recursive: true, force: true });
}
