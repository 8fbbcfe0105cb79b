/**
 * The project's own Docker engine: a private dockerd whose files all live under .local/docker/ and
 * which listens only on its unix socket there. It changes nothing of the machine's network (no
 * iptables rules, no bridge), so containers use `--network host` or `--network none`.
 *
 *   npm run engine -- start     start it (idempotent); prints the DOCKER_HOST to use
 *   npm run engine -- stop      stop it and unmount what it leaves mounted (idempotent)
 *   npm run engine -- status    whether it runs
 *
 * Installs Debian's docker.io and docker-registry with apt when they are missing and we are root;
 * otherwise stops with the one command to run. `npm run image` and the image tests use
 * {@link useEngine}, which starts the engine only when it is not running and stops only what it started.
 */
import { execFile, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { aptInstall } from './lib/apt';
import { dockerClient, pingEngine, type DockerClient } from './lib/docker-cli';
import {
  cgroupContainerId,
  dockerdArgs,
  dockerHost,
  ENGINE_DIR,
  ENGINE_PACKAGES,
  engineLayout,
  isEngineCommandLine,
  mountsBelow,
  parseMountInfo,
  STORAGE_DRIVERS,
  type EngineLayout,
} from './lib/docker-engine';
import { StepFailure } from './lib/quiet-run';
import { runAsScript } from './run-as-script';

const ROOT = path.resolve(__dirname, '..');
const DOCKERD = '/usr/sbin/dockerd';

/** Installs docker.io and docker-registry when one of them is missing; returns what it did, one line. */
export async function ensureEnginePackages(root: string = ROOT, isRoot?: boolean): Promise<string | undefined> {
  const missing = ENGINE_PACKAGES.filter((p) => !fs.existsSync(p.binary)).map((p) => p.name);
  if (missing.length === 0) return undefined;
  const result = await aptInstall(missing, { root, logName: 'apt-docker', purpose: 'the Docker engine', ...(isRoot === undefined ? {} : { isRoot }) });
  return `installed ${missing.join(', ')} with apt in ${(result.ms / 1000).toFixed(1)} s`;
}

/** The pid in the layout's pid file when that process is this layout's dockerd; else undefined. */
export function runningPid(layout: EngineLayout): number | undefined {
  let pid: number;
  try {
    pid = Number(fs.readFileSync(layout.pidFile, 'utf8').trim());
  } catch {
    return undefined;
  }
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  try {
    return isEngineCommandLine(fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8'), layout) ? pid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Processes of this layout's engine besides dockerd: its containerd and shims (they name the exec
 * root) and its containers' processes (their cgroup names a container of this data root). All of
 * them outlive a dockerd that was killed.
 */
function engineChildren(layout: EngineLayout): number[] {
  let containers: Set<string>;
  try {
    containers = new Set(fs.readdirSync(path.join(layout.dataRoot, 'containers')));
  } catch {
    containers = new Set();
  }
  const pids: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const cmdline = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      const id = containers.size > 0 ? cgroupContainerId(fs.readFileSync(`/proc/${entry}/cgroup`, 'utf8')) : undefined;
      if (cmdline.split('\0').some((arg) => arg === layout.execRoot || arg.startsWith(`${layout.execRoot}/`)) || (id !== undefined && containers.has(id))) pids.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return pids;
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs: number, stepMs = 50): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await condition()) return true;
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, stepMs));
  }
}

/** Unmounts whatever is still mounted below the engine's folders; returns the mount points. */
export async function unmountLeftovers(layout: EngineLayout): Promise<string[]> {
  const points = mountsBelow(parseMountInfo(fs.readFileSync('/proc/self/mountinfo', 'utf8')), [layout.execRoot, layout.dataRoot]);
  for (const point of points) {
    try {
      await promisify(execFile)('umount', [point]);
    } catch {
      // Busy (a process still holds it): detach it now, the kernel frees it when the holder ends.
      await promisify(execFile)('umount', ['-l', point]);
    }
  }
  return points;
}

/** How {@link startEngine} ended. */
export interface StartedEngine {
  readonly layout: EngineLayout;
  readonly pid: number;
  /** False when it was already running. */
  readonly started: boolean;
  readonly ms: number;
  readonly storageDriver?: string;
}

/**
 * Starts the engine of `layout` unless it answers already. Tries overlay2, then vfs when overlay2
 * cannot work here (e.g. the folder is itself on an overlay filesystem).
 */
export async function startEngine(layout: EngineLayout, timeoutMs = 30_000): Promise<StartedEngine> {
  const began = performance.now();
  const running = runningPid(layout);
  if (running !== undefined && (await pingEngine(layout.socket))) return { layout, pid: running, started: false, ms: performance.now() - began };
  if (running !== undefined) await stopEngine(layout);
  if (process.getuid?.() !== 0) throw new StepFailure('the private Docker engine runs dockerd, which needs root; run this as root (e.g. with sudo)');
  if (!fs.existsSync(DOCKERD)) await ensureEnginePackages();
  fs.mkdirSync(layout.dir, { recursive: true });
  if (!fs.existsSync(layout.configFile)) fs.writeFileSync(layout.configFile, '{}\n');
  // A socket or pid file from an engine that was killed would make dockerd refuse to start.
  fs.rmSync(layout.socket, { force: true });
  fs.rmSync(layout.pidFile, { force: true });
  await unmountLeftovers(layout);

  let failure = '';
  for (const driver of STORAGE_DRIVERS) {
    const log = fs.openSync(layout.logFile, 'a');
    fs.writeSync(log, `\n=== ${new Date().toISOString()} ${DOCKERD} ${dockerdArgs(layout, driver).join(' ')}\n`);
    const logStart = fs.fstatSync(log).size;
    // Detached in its own session: the engine outlives this script until `stop`.
    const child = spawn(DOCKERD, dockerdArgs(layout, driver), { detached: true, stdio: ['ignore', log, log] });
    fs.closeSync(log);
    let exited = false;
    child.once('exit', () => (exited = true));
    child.unref();
    const up = await waitFor(async () => exited || (await pingEngine(layout.socket, 500)), timeoutMs, 100);
    if (up && !exited) return { layout, pid: child.pid ?? 0, started: true, ms: performance.now() - began, storageDriver: driver };
    const output = fs.readFileSync(layout.logFile, 'utf8').slice(logStart);
    failure =
      output
        .split('\n')
        .filter((l) => /level=(error|fatal)|failed to start/i.test(l))
        .pop() ??
      output.trim().split('\n').pop() ??
      '';
    if (!exited) {
      await stopEngine(layout);
      throw new StepFailure(`dockerd did not answer on ${layout.socket} within ${timeoutMs / 1000} s: ${failure}`, layout.logFile);
    }
    await unmountLeftovers(layout);
    // Only a storage driver problem is worth a second try with the next driver.
    if (!/overlay|storage driver|graphdriver/i.test(output)) break;
  }
  throw new StepFailure(`dockerd exited at start: ${failure}`, layout.logFile);
}

/** Stops the engine of `layout` (containers get their stop timeouts), then unmounts its leftovers. Idempotent. */
export async function stopEngine(layout: EngineLayout, timeoutMs = 45_000): Promise<{ stopped: boolean; unmounted: string[]; ms: number }> {
  const began = performance.now();
  const pid = runningPid(layout);
  if (pid !== undefined) {
    process.kill(pid, 'SIGTERM');
    if (!(await waitFor(() => !alive(pid), timeoutMs))) process.kill(pid, 'SIGKILL');
    await waitFor(() => !alive(pid), 5000);
  }
  // After a SIGKILL (or a crash) its containerd, shims and containers would live on.
  for (const child of engineChildren(layout)) {
    try {
      process.kill(child, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
  const unmounted = fs.existsSync(layout.dir) ? await unmountLeftovers(layout) : [];
  fs.rmSync(layout.socket, { force: true });
  fs.rmSync(layout.pidFile, { force: true });
  return { stopped: pid !== undefined, unmounted, ms: performance.now() - began };
}

/** An engine in use: `stop` stops it only if this process started it. */
export interface Engine {
  readonly layout: EngineLayout;
  readonly docker: DockerClient;
  /** `{ DOCKER_HOST }` for a docker client of one's own. */
  readonly env: { readonly DOCKER_HOST: string };
  readonly startedHere: boolean;
  stop(): Promise<void>;
}

/** Options of {@link useEngine}. */
export interface UseEngineOptions {
  /** The engine's folder. @default `<root>/.local/docker` */
  readonly dir?: string;
  readonly root?: string;
}

/** The project's engine, started when it is not running (installing its packages first when needed). */
export async function useEngine(options: UseEngineOptions = {}): Promise<Engine> {
  const root = options.root ?? ROOT;
  await ensureEnginePackages(root);
  const dir = options.dir ?? path.join(root, ENGINE_DIR);
  // A folder reached through a link (a scratch project sharing this project's engine) is the
  // engine's own: its pid file is matched against dockerd's command line, which names the real path.
  const layout = engineLayout(fs.existsSync(dir) ? fs.realpathSync(dir) : dir);
  const started = await startEngine(layout);
  return {
    layout,
    docker: dockerClient(layout.socket),
    env: { DOCKER_HOST: dockerHost(layout) },
    startedHere: started.started,
    stop: async () => {
      if (started.started) await stopEngine(layout);
    },
  };
}

async function main(): Promise<void> {
  const command = process.argv[2] ?? 'status';
  const layout = engineLayout(path.join(ROOT, ENGINE_DIR));
  const rel = (p: string): string => path.relative(ROOT, p);
  if (command === 'start') {
    const installed = await ensureEnginePackages();
    if (installed) console.error(installed);
    const engine = await startEngine(layout);
    console.error(
      engine.started
        ? `engine started in ${(engine.ms / 1000).toFixed(1)} s (pid ${engine.pid}, ${engine.storageDriver}); log ${rel(layout.logFile)}`
        : `engine already running (pid ${engine.pid})`,
    );
    console.log(`export DOCKER_HOST=${dockerHost(layout)}`);
  } else if (command === 'stop') {
    const { stopped, unmounted, ms } = await stopEngine(layout);
    const cleaned = unmounted.length > 0 ? `; unmounted ${unmounted.map(rel).join(', ')}` : '';
    console.error(`${stopped ? `engine stopped in ${(ms / 1000).toFixed(1)} s` : 'engine was not running'}${cleaned}`);
  } else if (command === 'status') {
    const pid = runningPid(layout);
    const answers = pid !== undefined && (await pingEngine(layout.socket));
    console.error(
      answers
        ? `engine running (pid ${pid}), DOCKER_HOST=${dockerHost(layout)}`
        : pid !== undefined
          ? `dockerd ${pid} runs but does not answer on ${rel(layout.socket)}`
          : 'engine not running',
    );
    if (!answers) process.exitCode = 3;
  } else {
    throw new Error(`usage: npm run engine -- start | stop | status   (got "${command}")`);
  }
}

runAsScript(module, main);
