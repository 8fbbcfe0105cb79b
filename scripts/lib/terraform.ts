/** Runs the real terraform binary on synthesized stacks, in throwaway directories. */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { withNoGoGc } from './go-gc';

/** Result of one terraform command. */
export interface TerraformResult {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** One planned change, as `terraform show -json` reports it. */
export interface PlannedChange {
  readonly address: string;
  readonly type: string;
  readonly actions: readonly string[];
}

const TERRAFORM_ENV = { TF_IN_AUTOMATION: '1', TF_INPUT: '0', CHECKPOINT_DISABLE: '1', NO_COLOR: '1' };

/** Fails with install instructions (never skips) when terraform is not on the PATH. */
export function requireTerraform(): string {
  const result = spawnSync('terraform', ['version', '-json'], { encoding: 'utf8' });
  if (result.error || result.status !== 0) {
    throw new Error(
      'terraform was not found on PATH. Install Terraform 1.11.x (>= 1.10 for S3 lockfiles) from ' +
        'https://developer.hashicorp.com/terraform/install; the real-Terraform tests validate and plan the synthesized stacks.',
    );
  }
  return JSON.parse(result.stdout).terraform_version as string;
}

/** Writes a synthesized stack (the JSON string from Testing.synth) into a new temporary directory. */
export function writeStackDir(synthesized: string, prefix = 'tf-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  fs.writeFileSync(path.join(dir, 'cdk.tf.json'), synthesized);
  return dir;
}

/** Runs `terraform <args>` in `dir`; throws with terraform's own output when `check` and it fails. */
export function terraform(dir: string, args: string[], check = true, extraEnv: NodeJS.ProcessEnv = {}): TerraformResult {
  const result = spawnSync('terraform', [...args], {
    cwd: dir,
    encoding: 'utf8',
    env: withNoGoGc({ ...process.env, ...TERRAFORM_ENV, ...extraEnv }),
    maxBuffer: 256 * 1024 * 1024,
  });
  const out: TerraformResult = { status: result.status ?? -1, stdout: result.stdout ?? '', stderr: result.stderr ?? '' };
  if (check && out.status !== 0) {
    throw new Error(`terraform ${args.join(' ')} failed (exit ${out.status}) in ${dir}:\n${out.stderr}\n${out.stdout}`);
  }
  return out;
}

/** `terraform init` from whatever provider source the machine has (registry or a local mirror). */
export function init(dir: string, extraEnv: NodeJS.ProcessEnv = {}): void {
  terraform(dir, ['init', '-input=false', '-no-color'], true, extraEnv);
}

/**
 * Plans into `tfplan` and returns the resource changes that are not no-ops. A plan without changes
 * says so by its exit code, which spares `terraform show` (several seconds: it loads the provider
 * schemas again).
 */
export function plan(dir: string, extraEnv: NodeJS.ProcessEnv = {}): PlannedChange[] {
  const args = ['plan', '-input=false', '-no-color', '-lock=false', '-detailed-exitcode', '-out=tfplan'];
  const planned = terraform(dir, args, false, extraEnv);
  if (planned.status === 0) return [];
  if (planned.status !== 2) throw new Error(`terraform ${args.join(' ')} failed (exit ${planned.status}) in ${dir}:\n${planned.stderr}\n${planned.stdout}`);
  const shown = terraform(dir, ['show', '-json', 'tfplan'], true, extraEnv);
  const json = JSON.parse(shown.stdout) as { resource_changes?: { address: string; type: string; change: { actions: string[] } }[] };
  return (json.resource_changes ?? [])
    .filter((rc) => !(rc.change.actions.length === 1 && rc.change.actions[0] === 'no-op'))
    .map((rc) => ({ address: rc.address, type: rc.type, actions: rc.change.actions }));
}

/** Counts planned changes per resource type. */
export function countByType(changes: readonly PlannedChange[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const change of changes) counts[change.type] = (counts[change.type] ?? 0) + 1;
  return counts;
}
