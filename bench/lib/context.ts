/** What every benchmark section receives from the orchestrator, and the run's global deadline. */
import * as path from 'node:path';
import { VARIABLES } from '../../stacks/settings/variables';
import type { BenchOptions } from './options';
import { startProcess, tail, type TrackedProcess } from './processes';
import type { ResultStore } from './results';

/** The point after which a run starts no more work. */
export class Deadline {
  private readonly endsAt: number;

  constructor(seconds: number) {
    this.endsAt = Date.now() + seconds * 1000;
  }

  remainingMs(): number {
    return Math.max(0, this.endsAt - Date.now());
  }

  /** A time limit for one step: `capMs`, or less when the deadline comes first. */
  limit(capMs: number): number {
    return Math.min(capMs, this.remainingMs());
  }

  /** Throws {@link DeadlineError} unless at least `needMs` are left for `what`. */
  require(needMs: number, what: string): void {
    const left = this.remainingMs();
    if (left < needMs) throw new DeadlineError(`${what} needs about ${Math.ceil(needMs / 1000)} s and the run deadline leaves ${Math.floor(left / 1000)} s`);
  }
}

/** Work not started (or stopped) because the run's deadline came. */
export class DeadlineError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DeadlineError';
  }
}

/** The collaborators of one section. */
export interface SectionContext {
  /** Project root. */
  readonly root: string;
  readonly options: BenchOptions;
  readonly results: ResultStore;
  readonly deadline: Deadline;
  /** A temporary directory of this run, removed at its end. */
  readonly workDir: string;
  /** The environment for children: this one without the project's own settings, so every run measures the defaults. */
  readonly env: NodeJS.ProcessEnv;
  /** A progress line on stderr. */
  log(message: string): void;
}

/** `process.env` without the variables that change what the app synthesizes or how the service runs. */
export function cleanEnvironment(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const clean = { ...env };
  for (const name of Object.keys(VARIABLES)) delete clean[name];
  return clean;
}

/** Node's arguments before a TypeScript script, for children that must not be bundled (scripts/register-ts.js). */
export function typeScriptArgs(root: string): string[] {
  return ['-r', path.join(root, 'scripts', 'register-ts.js')];
}

/** An embedded DynamoDB in a child process. */
export interface DynaliteWorker {
  readonly endpoint: string;
  /** Leader of its process group. */
  readonly pid: number;
  stop(): Promise<void>;
}

/**
 * Starts bench/workers/dynalite.ts (in-memory dynalite on a free loopback port) and waits for its
 * endpoint. It runs as TypeScript, not bundled: scripts/local-dynamodb.ts runs its CLI when it is the main module.
 */
export async function startDynaliteWorker(ctx: SectionContext): Promise<DynaliteWorker> {
  const proc: TrackedProcess = startProcess(process.execPath, [...typeScriptArgs(ctx.root), path.join(ctx.root, 'bench', 'workers', 'dynalite.ts'), '0'], {
    cwd: ctx.root,
    env: ctx.env,
  });
  const deadline = Date.now() + 20_000;
  for (;;) {
    const line = proc
      .output()
      .stdout.split('\n')
      .find((l) => l.startsWith('{'));
    if (line) {
      const { endpoint } = JSON.parse(line) as { endpoint: string };
      return { endpoint, pid: proc.child.pid ?? -1, stop: async () => void (await proc.stop()) };
    }
    if (proc.child.exitCode !== null || Date.now() > deadline) {
      await proc.stop(0);
      throw new Error(`dynalite worker did not start:\n${tail(proc.output().stderr)}`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}
