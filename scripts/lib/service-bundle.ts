/**
 * The artifact the container runs: builds service/dist into a temporary folder (outside the project,
 * so no node_modules can be found from it) and runs it with plain `node`, as the image does.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';

const ROOT = path.resolve(__dirname, '..', '..');

/** Builds the bundle into a fresh temporary directory and returns it (server.js + public/). */
export async function buildServiceBundle(): Promise<string> {
  const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'service-bundle-'));
  await promisify(execFile)(process.execPath, [path.join(ROOT, 'service', 'build.mjs'), '--outdir', outDir], { cwd: ROOT });
  return outDir;
}

/** A running bundled service. */
export interface BundledService {
  readonly url: string;
  readonly child: ChildProcess;
  /** Milliseconds from spawn to the first 200 from /health. */
  readonly coldStartMs: number;
  /** Everything written to stdout so far (JSON log lines). */
  readonly stdout: () => string;
  /** Resolves with the exit code once the process has exited. */
  readonly exited: Promise<number | null>;
  /** Sends SIGTERM (if still running) and waits for the exit. */
  stop(): Promise<number | null>;
}

/**
 * Starts `node server.js` from `bundleDir` with exactly `env` (plus PATH) and waits for /health.
 * The port is read from the service's info-level "listening" log line, so LOG_LEVEL must allow info.
 */
export async function startBundledService(bundleDir: string, env: Record<string, string>, timeoutMs = 10_000): Promise<BundledService> {
  if (env.LOG_LEVEL !== undefined && !['info', 'debug', 'trace'].includes(env.LOG_LEVEL)) {
    throw new Error(`startBundledService needs LOG_LEVEL info or lower to read the port, got ${env.LOG_LEVEL}`);
  }
  const started = performance.now();
  const child = spawn(process.execPath, ['server.js'], {
    cwd: bundleDir,
    env: { PATH: process.env.PATH ?? '', PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString('utf8')));
  child.stderr.on('data', (d: Buffer) => (err += d.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  const deadline = Date.now() + timeoutMs;
  let port: number | undefined;
  while (port === undefined) {
    const line = out.split('\n').find((l) => l.includes('"msg":"listening"'));
    if (line) port = (JSON.parse(line) as { port: number }).port;
    else if (child.exitCode !== null) throw new Error(`service exited with ${child.exitCode}:\n${err}${out}`);
    else if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`service did not start within ${timeoutMs} ms:\n${err}${out}`);
    } else await new Promise((r) => setTimeout(r, 2));
  }
  const url = `http://127.0.0.1:${port}`;
  for (;;) {
    const ok = await fetch(`${url}/health`).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ok) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`service never answered /health:\n${err}${out}`);
    }
    await new Promise((r) => setTimeout(r, 2));
  }
  const coldStartMs = performance.now() - started;
  return {
    url,
    child,
    coldStartMs,
    stdout: () => out,
    exited,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

/** Runs the bundle expecting it to exit (e.g. on bad config); resolves with its code and stderr. */
export async function runBundleToExit(bundleDir: string, env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, ['server.js'], { cwd: bundleDir, env: { PATH: process.env.PATH ?? '', ...env } });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  clearTimeout(timer);
  return { code, stderr };
}
