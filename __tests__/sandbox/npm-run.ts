/** An npm script run as a person runs it from a shell: its own process group, its output collected, Ctrl-C to stop it. */
import { spawn, type ChildProcess } from 'node:child_process';

/** A command running in its own process group, and everything it printed so far. */
export interface Running {
  readonly child: ChildProcess;
  readonly output: () => string;
  readonly exited: Promise<number | null>;
}

/** Starts `npm <args>` in `cwd` with `env`, in a process group of its own. */
export function startNpm(args: readonly string[], cwd: string, env: NodeJS.ProcessEnv): Running {
  const child = spawn('npm', args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString('utf8')));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.once('close', resolve));
  return { child, output: () => output, exited };
}

/** Resolves with the match once `pattern` appears in the output; rejects when the command exits first. */
export async function waitFor(running: Running, pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const match = pattern.exec(running.output());
    if (match !== null) return match;
    if (running.child.exitCode !== null) throw new Error(`exited ${running.child.exitCode} before ${pattern}:\n${running.output()}`);
    if (Date.now() > deadline) throw new Error(`no ${pattern} within ${timeoutMs} ms:\n${running.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** Resolves with the exit code; SIGKILLs the group after `timeoutMs`. */
export async function finished(running: Running, timeoutMs: number): Promise<number | null> {
  const timer = setTimeout(() => signalGroup(running.child.pid ?? 0, 'SIGKILL'), timeoutMs);
  const code = await running.exited;
  clearTimeout(timer);
  return code;
}

/** Sends `signal` to every process of the group led by `pid`; false when none is left. */
function signalGroup(pid: number, signal: NodeJS.Signals | 0): boolean {
  if (pid <= 0) return false;
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false;
  }
}

/**
 * Ctrl-C to the whole group, as a terminal sends it (npm itself then ends by the signal, as in a
 * terminal); SIGKILL after 60 s. Resolves once npm has exited, with whether any process of the
 * group is left.
 */
export async function interrupt(running: Running): Promise<{ groupLeft: boolean }> {
  const pid = running.child.pid;
  if (pid === undefined) return { groupLeft: false };
  signalGroup(pid, 'SIGINT');
  const timer = setTimeout(() => signalGroup(pid, 'SIGKILL'), 60_000);
  await running.exited;
  clearTimeout(timer);
  // The sandbox stops the service and moto before it exits; give stray children a moment to show.
  await new Promise((resolve) => setTimeout(resolve, 1000));
  return { groupLeft: signalGroup(pid, 0) };
}
