/**
 * When a stack directory needs `terraform init` before an apply. The local data deploy runs
 * Terraform itself on the stack directory it just synthesized, and init costs seconds (it reads the
 * provider mirror and copies the provider), so it runs only when the directory is not ready: never
 * initialised, initialised for another state, or without its dependency lock file. Anything else
 * Terraform finds missing at apply time (a deleted provider folder, a lock file made for another
 * provider version) it reports with advice to run init, which {@link asksForInit} recognises.
 */
/** What is known of a stack directory before a deploy. */
export interface StackDirState {
  /** The local state file the deploy uses; undefined when its backend is not a local file. */
  readonly wantedStatePath: string | undefined;
  /** The local state its `.terraform` folder was initialised for; undefined when not initialised (or for a remote backend). */
  readonly initialisedStatePath: string | undefined;
  /** Whether `.terraform.lock.hcl` is there. */
  readonly hasLockFile: boolean;
}

/** Why `terraform init` must run before the apply, as a clause that follows "because"; undefined when it need not. */
export function initReason(dir: StackDirState): string | undefined {
  if (dir.wantedStatePath === undefined) return 'the state is not a local file, and its backend may have changed';
  if (dir.initialisedStatePath === undefined) return 'the stack directory is not initialised';
  if (dir.initialisedStatePath !== dir.wantedStatePath) return `the stack directory is initialised for another state (${dir.initialisedStatePath})`;
  if (!dir.hasLockFile) return 'the stack directory has no dependency lock file';
  return undefined;
}

/**
 * Whether a failed Terraform command's output says the directory must be initialised first:
 * Terraform's errors for a changed backend, an inconsistent lock file or a missing module end by
 * asking for `terraform init` (plain with -no-color, boxed by `│` with colours); the one for a
 * provider missing from `.terraform/providers` only says that the plugins are not installed.
 */
export function asksForInit(output: string): boolean {
  const error = output.search(/^(?:│ )?Error: /m);
  if (error < 0) return false;
  const errors = output.slice(error);
  return /\bterraform init\b/.test(errors) || /^(?:│ )?Error: Required plugins are not installed/m.test(errors);
}
