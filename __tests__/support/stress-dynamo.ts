/**
 * The embedded DynamoDB in its own process (`scripts/local-dynamodb.ts`), persisted in a temporary
 * folder, so a stress test can kill it mid-load and bring it back on the same port with the same data.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');
const SCRIPT = path.join(ROOT, 'scripts', 'local-dynamodb.ts');
/** The TypeScript hook by absolute path: the process runs in a temporary folder with no node_modules. */
const TYPESCRIPT_HOOK = path.join(ROOT, 'scripts', 'register-ts.js');

/** A dynalite process that can be killed and started again on the same port and data. */
export interface DynamoProcess {
  /** e.g. `http://127.0.0.1:41234` */
  readonly endpoint: string;
  readonly port: number;
  /** True while the process runs. */
  readonly running: boolean;
  /** Kills the process (SIGKILL by default: a crash, not a clean stop) and waits for its exit. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** SIGSTOP: the port still accepts connections but nothing answers (a hung DynamoDB). */
  freeze(): void;
  /** SIGCONT after {@link freeze}. */
  thaw(): void;
  /** Starts it again on the same port with the same data; resolves once it listens. */
  restart(): Promise<void>;
  /** Kills it and removes its data folder. Safe to call twice. */
  dispose(): Promise<void>;
}

/** A free loopback port (closed again at once, so a small race with other processes remains). */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Starts dynalite in a child process on a free port, persisted in a new temporary folder. */
export async function startDynamoProcess(timeoutMs = 15_000): Promise<DynamoProcess> {
  const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'stress-dynamo-'));
  const port = await freePort();
  let child: ChildProcess | undefined;

  const launch = async (): Promise<void> => {
    // Its own process group, so kill(-pid) also reaches anything it might spawn.
    const proc = spawn(process.execPath, ['-r', TYPESCRIPT_HOOK, SCRIPT], {
      cwd,
      env: { PATH: process.env.PATH ?? '', DYNAMODB_PORT: String(port) },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    child = proc;
    let output = '';
    proc.stdout.on('data', (d: Buffer) => (output += d.toString('utf8')));
    proc.stderr.on('data', (d: Buffer) => (output += d.toString('utf8')));
    const deadline = Date.now() + timeoutMs;
    while (!output.includes('dynalite listening')) {
      if (proc.exitCode !== null || proc.signalCode !== null) throw new Error(`dynalite exited (${proc.exitCode ?? proc.signalCode}):\n${output}`);
      if (Date.now() > deadline) {
        killGroup(proc, 'SIGKILL');
        throw new Error(`dynalite did not listen on ${port} within ${timeoutMs} ms:\n${output}`);
      }
      await new Promise((r) => setTimeout(r, 10));
    }
  };

  const kill = async (signal: NodeJS.Signals = 'SIGKILL'): Promise<void> => {
    const proc = child;
    if (proc === undefined || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    killGroup(proc, signal);
    if (signal !== 'SIGKILL') killGroup(proc, 'SIGCONT'); // a frozen process only acts on SIGTERM once resumed
    await exited;
  };

  await launch();
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    get running() {
      return child !== undefined && child.exitCode === null && child.signalCode === null;
    },
    kill,
    freeze: () => {
      if (child !== undefined) killGroup(child, 'SIGSTOP');
    },
    thaw: () => {
      if (child !== undefined) killGroup(child, 'SIGCONT');
    },
    restart: launch,
    dispose: async () => {
      await kill('SIGKILL');
      fs.rmSync(cwd, { recursive: true, force: true });
    },
  };
}

/** Signals the child's whole process group; ignores a group that is already gone. */
export function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already exited
  }
}
