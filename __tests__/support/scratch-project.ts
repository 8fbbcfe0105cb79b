/** A scratch copy of the project and the environment of a new user's shell, for tests that run our commands as a person would. */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');

/** How a scratch project starts out as to the app bundle (.build/, scripts/build-app.mjs). */
export interface ScratchOptions {
  /**
   * Start with a copy of the worktree's current bundle (built there first when stale), which the
   * project's first synth finds current, as a clone where `npm run synth` already ran would: a build
   * costs seconds of CPU. Leave it out where the first build is what a test looks at.
   * @default false - no bundle, as in a fresh clone
   */
  readonly withAppBuild?: boolean;
}

/**
 * Rebuilds the worktree's app bundle (.build/) when a source changed since it was built, as the app
 * command of cdktf.json would; throws with the build's output when it fails. In a process of its
 * own: scripts/build-app.mjs is an ES module, which this CommonJS code cannot require.
 */
export function ensureWorktreeAppBuilt(): void {
  const script = "const { ensureAppBuilt } = await import('./scripts/build-app.mjs'); ensureAppBuilt();";
  execFileSync(process.execPath, ['--input-type=module', '--eval', script], { cwd: ROOT, stdio: 'pipe' });
}

/**
 * A new temporary directory named `<prefix>…` holding `copied` (what the commands resolve their root
 * from or write into) and links to `linked` (what they only read, such as node_modules).
 */
export function scratchProject(prefix: string, copied: readonly string[], linked: readonly string[], options: ScratchOptions = {}): string {
  const project = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  if (options.withAppBuild) {
    ensureWorktreeAppBuilt();
    // `cp -a` keeps the timestamps to the nanosecond, as the bundle's record of its inputs compares
    // them (fs.cpSync's preserveTimestamps rounds them to the millisecond).
    execFileSync('cp', ['-a', '--parents', ...copied, '.build', project], { cwd: ROOT });
  } else {
    for (const entry of copied) fs.cpSync(path.join(ROOT, entry), path.join(project, entry), { recursive: true });
  }
  for (const entry of linked) fs.symlinkSync(path.join(ROOT, entry), path.join(project, entry));
  return project;
}

/** This process's environment without our settings and the test runner's variables: what a new shell has. */
export function newUserEnvironment(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^(CDKTF_|BASIC_AUTH_|JEST_|TF_|MOTO_|DYNAMODB_PORT$|PORT$|npm_)/.test(name)));
}
