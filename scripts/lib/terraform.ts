/** Runs the real terraform binary on synthesized stacks, in throwaway directories. */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { withTerraformGoGc } from './go-gc';

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
    env: withTerraformGoGc({ ...process.env, ...TERRAFORM_ENV, ...extraEnv }),
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

/** What a `plan -json` log says: its changes, whether their action lists are exact, and its errors. */
export interface PlanLog {
  readonly changes: PlannedChange[];
  /**
   * False when a change's action list cannot be read from the log: a replacement reads `replace`
   * whatever the order of its delete and create, and moves, imports and forgets are summarized.
   */
  readonly exact: boolean;
  /** The error diagnostics, `summary: detail`. */
  readonly errors: string[];
}

/** Planned-change actions of the log that are the whole action list `terraform show -json` gives. */
const SINGLE_ACTIONS = new Set(['create', 'update', 'delete', 'read']);

/** Reads the changes (in address order) and errors of a `terraform plan -json` log; lines that are not JSON are ignored. */
export function parsePlanLog(planJsonLog: string): PlanLog {
  const changes: PlannedChange[] = [];
  const errors: string[] = [];
  let exact = true;
  for (const line of planJsonLog.split('\n')) {
    if (!line.startsWith('{')) continue;
    const message = JSON.parse(line) as {
      type?: string;
      change?: { action?: string; resource?: { addr?: string; resource_type?: string } };
      diagnostic?: { severity?: string; summary?: string; detail?: string };
    };
    if (message.type === 'diagnostic' && message.diagnostic?.severity === 'error') {
      errors.push(`${message.diagnostic.summary ?? ''}: ${message.diagnostic.detail ?? ''}`);
    }
    const { action, resource } = message.change ?? {};
    if (message.type !== 'planned_change' || !action || !resource?.addr || !resource.resource_type || action === 'noop') continue;
    if (!SINGLE_ACTIONS.has(action)) exact = false;
    changes.push({ address: resource.addr, type: resource.resource_type, actions: [action] });
  }
  // In address order, as `terraform show -json` lists them.
  changes.sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
  return { changes, exact, errors };
}

/**
 * Plans into `tfplan` and returns the resource changes that are not no-ops, read from the plan's own
 * JSON log. Only a plan whose log cannot give the exact actions (a replacement: delete then create,
 * or create then delete) is read again with `terraform show -json`, which costs several seconds: it
 * loads the provider schemas again. `extraArgs` go after the plan's own, e.g. `-target=module.dev`.
 */
export function plan(dir: string, extraEnv: NodeJS.ProcessEnv = {}, extraArgs: readonly string[] = []): PlannedChange[] {
  const args = ['plan', '-input=false', '-no-color', '-lock=false', '-detailed-exitcode', '-out=tfplan', '-json', ...extraArgs];
  const planned = terraform(dir, args, false, extraEnv);
  const log = parsePlanLog(planned.stdout);
  if (planned.status !== 0 && planned.status !== 2) {
    throw new Error(`terraform ${args.join(' ')} failed (exit ${planned.status}) in ${dir}:\n${planned.stderr}\n${log.errors.join('\n') || planned.stdout}`);
  }
  if (planned.status === 0) return [];
  if (log.exact) return log.changes;
  const shown = terraform(dir, ['show', '-json', 'tfplan'], true, extraEnv);
  const json = JSON.parse(shown.stdout) as { resource_changes?: { address: string; type: string; change: { actions: string[] } }[] };
  return (json.resource_changes ?? [])
    .filter((rc) => !(rc.change.actions.length === 1 && rc.change.actions[0] === 'no-op'))
    .map((rc) => ({ address: rc.address, type: rc.type, actions: rc.change.actions }));
}

/**
 * The changes an `apply -json` made, from its machine-readable log: one entry per resource, with the
 * actions in the order they ran (a replacement reads `delete`, `create` or `create`, `delete`).
 * Resources left alone start no apply step and are absent; lines that are not JSON are ignored.
 */
export function appliedChanges(applyJsonLog: string): PlannedChange[] {
  const byAddress = new Map<string, { type: string; actions: string[] }>();
  for (const line of applyJsonLog.split('\n')) {
    if (!line.startsWith('{')) continue;
    const message = JSON.parse(line) as { type?: string; hook?: { action?: string; resource?: { addr?: string; resource_type?: string } } };
    const resource = message.hook?.resource;
    if (message.type !== 'apply_start' || !resource?.addr || !resource.resource_type || !message.hook?.action) continue;
    const entry = byAddress.get(resource.addr) ?? { type: resource.resource_type, actions: [] };
    entry.actions.push(message.hook.action);
    byAddress.set(resource.addr, entry);
  }
  return [...byAddress].map(([address, { type, actions }]) => ({ address, type, actions }));
}

/**
 * `terraform apply -auto-approve` in one command, returning the changes it made. One command plans
 * and applies, where a saved plan, its `show -json` and its apply start the provider three times.
 */
export function applyReportingChanges(dir: string, extraEnv: NodeJS.ProcessEnv = {}): PlannedChange[] {
  return appliedChanges(terraform(dir, ['apply', '-auto-approve', '-input=false', '-no-color', '-json'], true, extraEnv).stdout);
}

/** Counts planned changes per resource type. */
export function countByType(changes: readonly PlannedChange[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const change of changes) counts[change.type] = (counts[change.type] ?? 0) + 1;
  return counts;
}
