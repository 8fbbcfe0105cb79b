/**
 * Installs Debian packages the local tooling needs, the way scripts/prepare-machine.ts installs
 * Chromium: with apt when we are root, otherwise a failure that names the one command to run.
 */
import { logFile, quietRun, StepFailure, type QuietRunResult } from './quiet-run';

/** apt's answers that mean the package lists are missing or stale: `apt-get update` first. */
const NEEDS_UPDATE = /Unable to locate package|has no installation candidate|Failed to fetch|404\s+Not Found/;

/** Whether a failed `apt-get install` would succeed after `apt-get update`. */
export function needsAptUpdate(output: string): boolean {
  return NEEDS_UPDATE.test(output);
}

/**
 * The one command that installs `packages`. `--no-install-recommends`: docker.io, for one, recommends
 * apparmor and needrestart, and needrestart then runs after every apt call on the machine.
 */
export function aptInstallCommand(packages: readonly string[]): string {
  return `apt-get install -y --no-install-recommends ${packages.join(' ')}`;
}

/** Options of {@link aptInstall}. */
export interface AptInstallOptions {
  /** The project root: the log goes to `.local/logs/<logName>.log`. */
  readonly root: string;
  readonly logName: string;
  /** @default the effective user id is 0 */
  readonly isRoot?: boolean;
  /** @default `apt-get` through {@link quietRun} */
  readonly apt?: (args: readonly string[]) => Promise<QuietRunResult>;
  /** What needs the packages, for the message when we are not root, e.g. `the Docker engine`. */
  readonly purpose: string;
}

/**
 * `apt-get install -y --no-install-recommends <packages>`, with an `apt-get update` when the lists
 * are missing. Waits up to two minutes for another apt to release its lock, since several
 * developers' scripts may install at once on a shared machine.
 */
export async function aptInstall(packages: readonly string[], options: AptInstallOptions): Promise<QuietRunResult> {
  const command = aptInstallCommand(packages);
  if (!(options.isRoot ?? process.getuid?.() === 0)) {
    throw new StepFailure(`${options.purpose} needs ${packages.join(' and ')}, which ${packages.length > 1 ? 'are' : 'is'} not installed: run \`sudo ${command}\``);
  }
  const log = logFile(options.root, options.logName);
  const apt =
    options.apt ??
    ((args: readonly string[]) =>
      quietRun('apt-get', ['-o', 'DPkg::Lock::Timeout=120', ...args], { cwd: options.root, logFile: log, env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } }));
  const install = command.split(' ').slice(1);
  let result = await apt(install);
  if (!result.ok && needsAptUpdate(result.output)) {
    const update = await apt(['update']);
    if (!update.ok) throw new StepFailure(`apt-get update failed: ${update.reason ?? 'no reason given'}`, update.logFile);
    result = await apt(install);
  }
  if (!result.ok) throw new StepFailure(`${command} failed: ${result.reason ?? 'no reason given'}`, result.logFile);
  return result;
}
