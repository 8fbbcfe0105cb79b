/**
 * What the sandbox suites share: their own moto and work directory, a stack's state, a
 * deployment's expected apply summaries, and keeping their logs.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startMoto, type Moto } from '../../scripts/moto';
import { STATE_STACKS, sandboxConfig, stateResourceCount, type SandboxContext, type StateStack, type StepResult } from '../../scripts/sandbox';
import { freePort } from '../support/moto-server';
import { terraform } from '../../scripts/lib/terraform';
import { TfDocument, type TfJson } from '../../stacks/lib/tf-json';
import type { AppConfig } from '../../stacks/settings/config';

/** One suite's moto server and the sandbox context that works in its own directory. */
export interface SandboxSuite {
  /** Temporary directory holding the state, cdktf output and logs. */
  readonly work: string;
  readonly moto: Moto;
  readonly context: SandboxContext;
}

/**
 * Starts a moto of the suite's own on a free port and points a sandbox context at it, with
 * bootstrap's local state (CDKTF_STATE_DIR; the other stacks' state goes to the bucket bootstrap
 * creates in that moto), cdktf output and logs in a new temporary directory named `<prefix>…`. `extraEnv` adds variables,
 * given that directory (e.g. a services file written into it).
 */
export async function startSandboxSuite(root: string, prefix: string, extraEnv: (work: string) => NodeJS.ProcessEnv = () => ({})): Promise<SandboxSuite> {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const port = await freePort();
  const moto = await startMoto({ port, logFile: path.join(work, 'moto.log') });
  const context: SandboxContext = {
    root,
    env: { ...process.env, MOTO_PORT: String(port), CDKTF_STATE_DIR: path.join(work, 'state'), ...extraEnv(work) },
    outDir: path.join(work, 'cdktf.out'),
    logFile: path.join(work, 'sandbox.log'),
  };
  return { work, moto, context };
}

/** The managed resources in each stack's state (bootstrap's local file, the others' objects in the state bucket), by stack. */
export async function stateCounts(context: SandboxContext): Promise<Record<StateStack, number>> {
  const config = sandboxConfig(context);
  const counts = await Promise.all(STATE_STACKS.map(async (stack) => [stack, await stateResourceCount(config, stack)] as const));
  return Object.fromEntries(counts) as Record<StateStack, number>;
}

/** The sandbox's state bucket (the bootstrap stack's), which holds the state of network, data and service. */
export function stateBucketOf(config: AppConfig): string {
  if (config.backend.kind !== 's3') throw new Error(`the sandbox keeps the app stacks' state in S3, but the backend is ${config.backend.kind}`);
  return config.backend.bucket;
}

/** One resource of a stack's state, as `terraform show -json` gives it. */
export interface StateResource {
  readonly address: string;
  readonly type: string;
  readonly values: Record<string, unknown>;
}

/** The resources of one deployed stack's state (`terraform show -json` in its directory). */
export function stateResources(context: SandboxContext, stack: StateStack): StateResource[] {
  const shown = JSON.parse(terraform(path.join(context.outDir, 'stacks', stack), ['show', '-json']).stdout) as { values?: { root_module?: { resources?: StateResource[] } } };
  return shown.values?.root_module?.resources ?? [];
}

/** `[stack, "<n> added, 0 changed, 0 destroyed"]` for bootstrap and every app stack, n counted in its synthesized JSON. */
export function expectedFirstApply(context: SandboxContext): [string, string][] {
  return STATE_STACKS.map((stack) => {
    const json = JSON.parse(fs.readFileSync(path.join(context.outDir, 'stacks', stack, 'cdk.tf.json'), 'utf8')) as TfJson;
    const count = new TfDocument(json).resources().length;
    return [stack, `${count} added, 0 changed, 0 destroyed`];
  });
}

/**
 * `[stack, summary]` of each deploy step. A step run again for an emulator gap reports only its
 * second run, so it reads as the full first apply when the stack's state then holds every
 * synthesized resource (and as its own summary otherwise, which fails the comparison).
 */
export async function firstApplySummaries(context: SandboxContext, steps: readonly StepResult[]): Promise<[string, string][]> {
  const expected = new Map(expectedFirstApply(context));
  const applies = steps.filter((s) => !s.step.startsWith('synth'));
  return Promise.all(
    applies.map(async (s): Promise<[string, string]> => {
      const full = expected.get(s.step) ?? '';
      const complete = s.retriedFor !== undefined && full.startsWith(`${await stateResourceCount(sandboxConfig(context), s.step as StateStack)} added`);
      return [s.step, complete ? full : s.summary];
    }),
  );
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
