/**
 * What the sandbox test files that meet a `retry` gap of the emulator share: the context the
 * sandbox's retry sees, and Terraform commands that fail the way cdktf's do.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CdktfError, prepareRetry, retryOnEmulatorGap, type SandboxContext, type SandboxStack } from '../../scripts/sandbox';
import { terraform } from '../../scripts/lib/terraform';

const ROOT = path.join(__dirname, '..', '..');

/** The sandbox's view for a retry: this moto, state under `work/state`, the stack's region (and two zones of it), the log in `work`. */
export function retryContext(motoPort: number, work: string, region: string): SandboxContext {
  return {
    root: ROOT,
    env: { ...process.env, MOTO_PORT: String(motoPort), CDKTF_STATE_DIR: path.join(work, 'state'), CDKTF_REGION: region, CDKTF_AZS: `${region}a,${region}b` },
    outDir: work,
    logFile: path.join(work, 'sandbox.log'),
  };
}

/** `terraform <args>` in `dir`; a failure becomes a CdktfError carrying Terraform's output, as cdktf's would, for retryOnEmulatorGap. */
export function terraformOrThrow(dir: string, args: string[]): string {
  const result = terraform(dir, args, false);
  if (result.status !== 0) throw new CdktfError(`terraform ${args.join(' ')} failed (exit ${result.status}) in ${dir}`, `${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

/** `terraform apply` in `dir`, failing as {@link terraformOrThrow} does. */
export function applyOrThrow(dir: string): string {
  return terraformOrThrow(dir, ['apply', '-auto-approve', '-input=false', '-no-color', '-lock=false']);
}

/** What {@link stageRetryGap} saw: the first apply's failure, a plain re-run's, the retried apply's outcome and the sandbox log. */
export interface StagedRetry {
  readonly firstFailure: unknown;
  readonly plainRerun: unknown;
  readonly retried: { result: string; retriedFor?: string };
  readonly log: string;
}

/**
 * Once a gap's leftovers are staged in the emulator: applies `dir` (expected to fail), applies it
 * plainly again (expected to fail the same way), then applies it under the sandbox's retry, whose
 * preparation reads the state from the local `stateFile`. `beforePrepare` sees that state first.
 */
export async function stageRetryGap(options: {
  readonly dir: string;
  readonly context: SandboxContext;
  readonly stack: SandboxStack;
  readonly stateFile: string;
  readonly beforePrepare: (state: string) => void;
}): Promise<StagedRetry> {
  const { dir, context, stack, stateFile, beforePrepare } = options;
  const failureOf = (): unknown => {
    try {
      applyOrThrow(dir);
      return undefined;
    } catch (error) {
      return error;
    }
  };
  const firstFailure = failureOf();
  const plainRerun = failureOf();
  const readState = async () => fs.readFileSync(stateFile, 'utf8');
  const retried = await retryOnEmulatorGap(
    async () => applyOrThrow(dir),
    async (gap) => {
      beforePrepare(await readState());
      // The staged stack keeps its state in a local file, not where the sandbox keeps that stack's.
      await prepareRetry(context, stack, gap, { name: stateFile, read: readState });
    },
  );
  return { firstFailure, plainRerun, retried, log: fs.readFileSync(context.logFile, 'utf8') };
}
