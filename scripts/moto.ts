/**
 * The local moto server that emulates AWS for the `sandbox` environment. `npm run moto` runs it in
 * the foreground on MOTO_PORT; `npm run sandbox` and the sandbox tests import {@link ensureMoto}.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadConfig } from '../stacks/settings/config';
import { emulatorUrl, MOTO_SERVER_ENVIRONMENT, motoUrl } from './lib/emulator';
import { runAsScript } from './run-as-script';

/** The command that installs moto's server; every "moto is missing" message names it. */
export const MOTO_INSTALL_COMMAND = 'pip install "moto[server]"';

/** What a lookup of the moto server binary reports: an error when it cannot run, else its exit status. */
export interface BinaryCheck {
  readonly error?: Error;
  readonly status: number | null;
}

/** Runs `<binary> --help` the way the scripts do; tests inject their own. */
export function runBinaryHelp(binary: string): BinaryCheck {
  const result = spawnSync(binary, ['--help'], { encoding: 'utf8', timeout: 20_000 });
  return { ...(result.error ? { error: result.error } : {}), status: result.status };
}

/** Why `binary` cannot run moto, with the command that installs it; undefined when it can. */
export function motoServerProblem(binary: string, lookup: (binary: string) => BinaryCheck = runBinaryHelp): string | undefined {
  const result = lookup(binary);
  if (result.error === undefined && result.status === 0) return undefined;
  const why = result.error ? ((result.error as NodeJS.ErrnoException).code ?? result.error.message) : `exit code ${result.status}`;
  return (
    `No moto server found ("${binary} --help": ${why}). The sandbox emulates AWS with moto 5.2.x; install it with\n` +
    `  ${MOTO_INSTALL_COMMAND}\n` +
    'and make sure moto_server is on PATH (or point MOTO_SERVER at it).'
  );
}

/** Whether a moto server answers at `url` (its own `/moto-api/config`, which no AWS API has). */
export async function isMotoRunning(url: string): Promise<boolean> {
  try {
    const response = await fetch(`${url}/moto-api/config`, { signal: AbortSignal.timeout(2000) });
    if (!response.ok) return false;
    const body = (await response.json()) as Record<string, unknown>;
    return typeof body === 'object' && body !== null && 'batch' in body;
  } catch {
    return false;
  }
}

/** A moto server in use: started here (`stop` ends it) or found running (`stop` leaves it alone). */
export interface Moto {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly port: number;
  /** True when this process started it; its resources vanish when it stops. */
  readonly started: boolean;
  stop(): Promise<void>;
}

/** Options of {@link startMoto}. */
export interface StartMotoOptions {
  readonly port: number;
  /** File that receives moto's own output (one line per request). */
  readonly logFile: string;
  /** @default process.env.MOTO_SERVER ?? 'moto_server' */
  readonly binary?: string;
  /** @default {@link runBinaryHelp} */
  readonly lookup?: (binary: string) => BinaryCheck;
  /** @default 30000 */
  readonly timeoutMs?: number;
}

/** Starts `moto_server` on 127.0.0.1 with the flags of scripts/lib/emulator.ts, in its own process group. */
export async function startMoto(options: StartMotoOptions): Promise<Moto> {
  const binary = options.binary ?? process.env.MOTO_SERVER ?? 'moto_server';
  const problem = motoServerProblem(binary, options.lookup);
  if (problem !== undefined) throw new Error(problem);
  fs.mkdirSync(path.dirname(options.logFile), { recursive: true });
  const out = fs.openSync(options.logFile, 'a');
  const child = spawn(binary, ['-H', '127.0.0.1', '-p', String(options.port)], {
    env: { ...process.env, ...MOTO_SERVER_ENVIRONMENT },
    stdio: ['ignore', out, out],
    detached: true,
  });
  fs.closeSync(out);
  const url = motoUrl(options.port);
  const stop = () => stopGroup(child);
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  while (!(await isMotoRunning(url))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      const tail = fs.readFileSync(options.logFile, 'utf8').trim().split('\n').slice(-5).join('\n  ');
      throw new Error(`moto_server did not start on ${url} (see ${options.logFile}):\n  ${tail}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { url, port: options.port, started: true, stop };
}

/** The moto server on `port`: the one already running there, or a new one. */
export async function ensureMoto(options: StartMotoOptions): Promise<Moto> {
  const url = motoUrl(options.port);
  if (await isMotoRunning(url)) return { url, port: options.port, started: false, stop: async () => undefined };
  return startMoto(options);
}

/** SIGTERM to the process group, SIGKILL after 5 s; resolves once the process has exited. */
function stopGroup(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return Promise.resolve();
  const pid = child.pid;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const signal = (name: NodeJS.Signals) => {
    try {
      process.kill(-pid, name);
    } catch {
      // The group is already gone.
    }
  };
  signal('SIGTERM');
  const timer = setTimeout(() => signal('SIGKILL'), 5000);
  return exited.finally(() => clearTimeout(timer));
}

async function main(): Promise<void> {
  const root = path.resolve(__dirname, '..');
  // The port comes from the sandbox configuration (MOTO_PORT), like every provider endpoint.
  const endpoint = new URL(emulatorUrl(loadConfig({ ...process.env, CDKTF_ENV: 'sandbox' }, root).aws.endpoints));
  const port = Number(endpoint.port);
  const logFile = path.join(root, '.local', 'sandbox', 'moto.log');
  const moto = await ensureMoto({ port, logFile });
  if (!moto.started) {
    console.error(`a moto server already answers on ${moto.url}; nothing to do`);
    return;
  }
  console.error(`moto on ${moto.url} (requests logged to ${path.relative(root, logFile)}); Ctrl-C stops it and forgets every emulated resource`);
  const shutdown = (): void => void moto.stop().then(() => process.exit(0));
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

runAsScript(module, main);
