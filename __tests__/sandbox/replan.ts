/** Reads a re-plan as drifts comparable with EXPECTED_REPLAN_DRIFTS (scripts/lib/emulator.ts). */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { terraform } from '../../scripts/lib/terraform';
import { recordedPath, type TfJson } from '../../stacks/lib/tf-json';

/** One planned change of `terraform show -json`, reduced to what a drift entry states. */
export interface Drift {
  readonly path: string;
  readonly type: string;
  readonly actions: readonly string[];
  readonly attributes: readonly string[];
}

/** The parts of `terraform show -json <plan>` this module reads. */
export interface PlanJson {
  readonly resource_changes?: readonly {
    readonly address: string;
    readonly type: string;
    readonly name: string;
    readonly change: {
      readonly actions: readonly string[];
      readonly before: Record<string, unknown> | null;
      readonly after: Record<string, unknown> | null;
      readonly after_unknown?: Record<string, unknown>;
      readonly replace_paths?: readonly (readonly (string | number)[])[];
    };
  }[];
}

/** Empty and absent read back alike (`{}` vs null, `[]` vs null, `""` vs null). */
function isEmpty(value: unknown): boolean {
  if (value === null || value === undefined || value === '') return true;
  if (Array.isArray(value)) return value.length === 0;
  return typeof value === 'object' && Object.keys(value).length === 0;
}

function same(a: unknown, b: unknown): boolean {
  return (isEmpty(a) && isEmpty(b)) || JSON.stringify(a) === JSON.stringify(b);
}

/**
 * The changes of a plan, each with its construct path (from `cdk.tf.json` metadata) and the
 * top-level attributes that differ: known values that differ, and the paths that force a
 * replacement. Values only known after apply are left out (a replacement makes every computed one unknown).
 */
export function driftsOf(plan: PlanJson, synthesized: TfJson): Drift[] {
  const pathOf = (type: string, name: string): string => {
    const props = synthesized.resource?.[type]?.[name];
    return (props && recordedPath(props)) ?? `${type}.${name}`;
  };
  return (plan.resource_changes ?? [])
    .filter((rc) => !(rc.change.actions.length === 1 && rc.change.actions[0] === 'no-op'))
    .map((rc) => {
      const before = rc.change.before ?? {};
      const after = rc.change.after ?? {};
      const unknown = rc.change.after_unknown ?? {};
      const forced = (rc.change.replace_paths ?? []).map((p) => String(p[0]));
      const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
      const changed = keys.filter((key) => unknown[key] !== true && !same(before[key], after[key]));
      return { path: pathOf(rc.type, rc.name), type: rc.type, actions: [...rc.change.actions], attributes: [...new Set([...changed, ...forced])].sort() };
    })
    .sort((a, b) => a.path.localeCompare(b.path));
}

/**
 * Plans the stack in `dir` (an initialised cdktf stack directory) and returns its drifts. A plan
 * without changes says so by its exit code, which spares `terraform show` (it starts the provider
 * again to load its schemas: seconds of CPU on a loaded machine).
 */
export function replan(dir: string): Drift[] {
  const args = ['plan', '-input=false', '-no-color', '-lock=false', '-detailed-exitcode', '-out=replan.tfplan'];
  const planned = terraform(dir, args, false);
  if (planned.status === 0) return [];
  if (planned.status !== 2) throw new Error(`terraform ${args.join(' ')} failed (exit ${planned.status}) in ${dir}:\n${planned.stderr}\n${planned.stdout}`);
  const plan = JSON.parse(terraform(dir, ['show', '-json', 'replan.tfplan']).stdout) as PlanJson;
  const synthesized = JSON.parse(fs.readFileSync(path.join(dir, 'cdk.tf.json'), 'utf8')) as TfJson;
  return driftsOf(plan, synthesized);
}
