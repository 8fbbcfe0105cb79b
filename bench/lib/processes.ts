/**
 * Process hygiene for the benchmarks: every child runs in its own process group, and every group
 * still alive is killed on exit, on SIGINT/SIGTERM and on a timeout, so a run leaves nothing behind.
 */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';

/** Process groups (leader pids) started by this process and not yet reaped. */
const groups = new Set<number>();
let handlersInstalled = false;

/** Kills every tracked process group with SIGKILL; synchronous, so it is safe in an `exit` handler. */
export function killAllGroups(): void {
  for (const pid of groups) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  groups.clear();
}

/** Installs the exit and signal handlers once; a signal kills the children, then exits 128 + n. */
export function installCleanupHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.on('exit', killAllGroups);
  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
    ['SIGHUP', 129],
  ] as const) {
    process.once(signal, () => {
      process.stderr.write(`\nbench: ${signal}, stopping every child process\n`);
      killAllGroups();
      process.exit(code);
    });
  }
}

/** A child started by {@link startProcess}. */
export interface TrackedProcess {
  readonly child: ChildProcess;
  /** Everything written to stdout and stderr so far. */
  readonly output: () => { stdout: string; stderr: string };
  /** Resolves once the child has exited. */
  readonly exited: Promise<ExitInfo>;
  /** SIGTERM to the whole group, then SIGKILL after `graceMs`; resolves once the leader has exited. */
  stop(graceMs?: number): Promise<ExitInfo>;
}

/** How a child ended. */
export interface ExitInfo {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** Starts `command args` as the leader of a new process group that the cleanup handlers know. */
export function startProcess(command: string, args: readonly string[], options: SpawnOptions = {}): TrackedProcess {
  installCleanupHandlers();
  const child = spawn(command, [...args], { stdio: ['ignore', 'pipe', 'pipe'], ...options, detached: true });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
  const pid = child.pid;
  if (pid !== undefined) groups.add(pid);
  const exited = new Promise<ExitInfo>((resolve) => {
    child.once('error', () => resolve({ code: -1, signal: null }));
    child.once('exit', (code, signal) => {
      // Descendants of the leader (e.g. node under npx) may outlive it; the group goes down with it.
      if (pid !== undefined) {
        try {
          process.kill(-pid, 'SIGKILL');
        } catch {
          // group already empty
        }
        groups.delete(pid);
      }
      resolve({ code, signal });
    });
  });
  const stop = async (graceMs = 5000): Promise<ExitInfo> => {
    if (pid !== undefined && groups.has(pid)) {
      try {
        process.kill(-pid, 'SIGTERM');
      } catch {
        // already gone
      }
      const timer = setTimeout(() => {
        try {
          process.kill(-pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }, graceMs);
      const info = await exited;
      clearTimeout(timer);
      return info;
    }
    return exited;
  };
  return { child, output: () => ({ stdout, stderr }), exited, stop };
}

/** Result of {@link runProcess}. */
export interface RunResult extends ExitInfo {
  readonly stdout: string;
  readonly stderr: string;
  /** Wall time from spawn to exit. */
  readonly ms: number;
  /** True when the run was killed at its time limit. */
  readonly timedOut: boolean;
}

/** Runs a command to completion in its own process group, killing the group at `timeoutMs`. */
export async function runProcess(command: string, args: readonly string[], options: SpawnOptions & { readonly timeoutMs: number }): Promise<RunResult> {
  const { timeoutMs, ...spawnOptions } = options;
  const started = performance.now();
  const proc = startProcess(command, args, spawnOptions);
  let timedOut = false;
  const timer = setTimeout(
    () => {
      timedOut = true;
      void proc.stop(1000);
    },
    Math.max(1, timeoutMs),
  );
  const info = await proc.exited;
  const ms = performance.now() - started;
  clearTimeout(timer);
  return { ...info, ...proc.output(), ms, timedOut };
}

/** A TCP port on 127.0.0.1 that was free a moment ago (the OS picks it). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** The last `lines` lines of a process's output, for error messages. */
export function tail(text: string, lines = 15): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

/** Clock ticks per second of /proc/<pid>/stat times (CLK_TCK); 100 on Linux unless configured otherwise. */
const CLOCK_TICKS_PER_S = 100;

/**
 * CPU time (user + system) used so far by the live processes of process group `pgid`, from /proc;
 * undefined where /proc is missing. Reaped children are not included, so measure long-lived groups.
 */
export function groupCpuMs(pgid: number): number | undefined {
  if (!fs.existsSync('/proc/self/stat')) return undefined;
  let ticks = 0;
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // Fields after the parenthesised command: state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[2]) === pgid) ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // exited meanwhile
    }
  }
  return (ticks / CLOCK_TICKS_PER_S) * 1000;
}
