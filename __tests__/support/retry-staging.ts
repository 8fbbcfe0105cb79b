/**
 * What the sandbox test files that meet a `retry` gap of the emulator share: the context the
 * sandbox's retry sees, and Terraform commands that fail the way cdktf's do.
 */
import * as path from 'node:path';
import { CdktfError, type SandboxContext } from '../../scripts/sandbox';
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
