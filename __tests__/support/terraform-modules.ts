/**
 * Several synthesized stacks as the modules of one Terraform root, so that one `init`, one
 * `validate` and one `plan` serve them all. Every Terraform command here pays a fixed few seconds
 * for loading the AWS provider's schema; validating four variants one by one pays it eight times.
 * Each variant keeps its own folder, so a diagnostic still names the variant it belongs to.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { init, plan, terraform, type PlannedChange } from '../../scripts/lib/terraform';

/** One validate diagnostic, as `terraform validate -json` reports it. */
interface Diagnostic {
  readonly severity: 'error' | 'warning';
  readonly summary: string;
  readonly detail?: string;
  readonly range?: { readonly filename: string };
}

/** A variant's share of the validate result, shaped as `terraform validate -json` of it alone. */
export interface ModuleValidation {
  readonly valid: boolean;
  readonly error_count: number;
  /** The variant's error messages, for a failure to read. */
  readonly errors: readonly string[];
}

/** What {@link ModulesRoot.validateAndPlan} found. */
export interface PlanAndValidation {
  /** Each variant's share of the validate result. */
  readonly validation: Record<string, ModuleValidation>;
  /** The planned changes of each planned variant; absent when the plan failed on an invalid variant. */
  readonly planned?: Record<string, PlannedChange[]>;
  /** Why there is no plan: the invalid variants and their errors. */
  readonly planFailure?: string;
}

/** A Terraform root whose modules are the given stacks, initialised once. */
export class ModulesRoot {
  /** The root folder; each variant is its subfolder of the same name. */
  readonly dir: string;
  readonly names: readonly string[];

  /** Writes each `cdk.tf.json` text of `stacks` (keyed by a variant name) into its module folder and runs `terraform init` once. */
  constructor(stacks: Readonly<Record<string, string>>, prefix = 'tf-modules-') {
    this.names = Object.keys(stacks);
    const bad = this.names.filter((name) => !/^[a-z][a-z0-9-]*$/.test(name));
    if (bad.length > 0) throw new Error(`ModulesRoot variant names ${JSON.stringify(bad)}: use lower-case letters, digits and dashes (they name module folders)`);
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    for (const [name, json] of Object.entries(stacks)) {
      fs.mkdirSync(path.join(this.dir, name));
      fs.writeFileSync(path.join(this.dir, name, 'cdk.tf.json'), json);
    }
    const modules = Object.fromEntries(this.names.map((name) => [name, { source: `./${name}` }]));
    fs.writeFileSync(path.join(this.dir, 'main.tf.json'), JSON.stringify({ module: modules }, null, 2));
    init(this.dir);
  }

  /** The provider lock file `init` wrote: every provider any variant needs. */
  lockFile(): string {
    return fs.readFileSync(path.join(this.dir, '.terraform.lock.hcl'), 'utf8');
  }

  /** The providers a variant's own `required_providers` names, sorted. */
  requiredProviders(name: string): string[] {
    const json = JSON.parse(fs.readFileSync(path.join(this.dir, name, 'cdk.tf.json'), 'utf8')) as { terraform?: { required_providers?: Record<string, unknown> } };
    return Object.keys(json.terraform?.required_providers ?? {}).sort();
  }

  /** One `terraform validate -json`, split by variant: an error without a file counts against every variant. */
  validate(): Record<string, ModuleValidation> {
    const result = JSON.parse(terraform(this.dir, ['validate', '-json'], false).stdout) as { diagnostics?: Diagnostic[] };
    const errors = (result.diagnostics ?? []).filter((d) => d.severity === 'error');
    return Object.fromEntries(
      this.names.map((name) => {
        const own = errors.filter((d) => d.range === undefined || d.range.filename.startsWith(`${name}/`));
        return [name, { valid: own.length === 0, error_count: own.length, errors: own.map((d) => `${d.summary}: ${d.detail ?? ''}`) }];
      }),
    );
  }

  /**
   * One offline plan of the `targets` variants (every variant by default), split by variant;
   * addresses are given as inside the variant's own root. A plan of some variants (`-target`)
   * leaves the others unplanned, such as those that read another stack's state.
   */
  plan(targets: readonly string[] = this.names): Record<string, PlannedChange[]> {
    const unknown = targets.filter((name) => !this.names.includes(name));
    if (unknown.length > 0) throw new Error(`ModulesRoot.plan targets ${JSON.stringify(unknown)}: not variants of this root (${this.names.join(', ')})`);
    const changes = plan(this.dir, {}, targets.length === this.names.length ? [] : targets.map((name) => `-target=module.${name}`));
    return Object.fromEntries(
      targets.map((name) => [name, changes.filter((c) => c.address.startsWith(`module.${name}.`)).map((c) => ({ ...c, address: c.address.slice(`module.${name}.`.length) }))]),
    );
  }

  /**
   * The validation of every variant and the plan of `planned` (every variant by default) from one
   * command where one suffices: `terraform plan` first runs the validate walk of the whole root, the
   * variants it does not target included, and stops on an error, so a plan that succeeds shows
   * every variant valid with no error. Only a failed plan runs `terraform validate`, to name the
   * variants at fault: then each variant gets its own validation, and `planned` is absent, with
   * `planFailure` saying which variants stopped it.
   */
  validateAndPlan(planned: readonly string[] = this.names): PlanAndValidation {
    try {
      return { validation: Object.fromEntries(this.names.map((name) => [name, { valid: true, error_count: 0, errors: [] }])), planned: this.plan(planned) };
    } catch (planError) {
      const validation = this.validate();
      const invalid = Object.entries(validation).filter(([, v]) => !v.valid);
      if (invalid.length === 0) throw planError;
      return { validation, planFailure: `the plan stopped at the invalid variants ${invalid.map(([name, v]) => `${name}:\n  ${v.errors.join('\n  ')}`).join('\n')}` };
    }
  }

  remove(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
