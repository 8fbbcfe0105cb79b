/** The bundled service as the image runs it (`node server.js`), started in its own process group on loopback. */
import * as http from 'node:http';
import * as path from 'node:path';
import { freePort, startProcess, tail, type TrackedProcess } from './processes';

/** A running bundled service. */
export interface RunningService {
  readonly url: string;
  /** Milliseconds from spawn to the first 200 from /health. */
  readonly coldStartMs: number;
  /** The node process (leader of its own process group). */
  readonly pid: number;
  stop(): Promise<void>;
}

/** One GET of /health; resolves with the status, or 0 when nothing answers yet. */
function probe(port: number): Promise<number> {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/health', agent: false, timeout: 1000 }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', () => resolve(0));
    req.on('timeout', () => req.destroy());
  });
}

/**
 * Starts `node server.js` in `bundleDir` with `env` (plus PATH and a free PORT) and polls /health
 * every 2 ms; the service logs to /dev/null, as a log driver's pipe costs about the same.
 */
export async function startService(bundleDir: string, env: Readonly<Record<string, string>>, timeoutMs = 10_000): Promise<RunningService> {
  const port = await freePort();
  const started = performance.now();
  const proc: TrackedProcess = startProcess(process.execPath, [path.join(bundleDir, 'server.js')], {
    cwd: bundleDir,
    env: { PATH: process.env.PATH ?? '', NODE_ENV: 'production', ...env, PORT: String(port) },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  for (;;) {
    if ((await probe(port)) === 200) break;
    if (proc.child.exitCode !== null || performance.now() - started > timeoutMs) {
      await proc.stop(0);
      throw new Error(`the bundled service never answered /health on port ${port}:\n${tail(proc.output().stderr)}`);
    }
    await new Promise((r) => setTimeout(r, 2));
  }
  const coldStartMs = performance.now() - started;
  return { url: `http://127.0.0.1:${port}`, coldStartMs, pid: proc.child.pid ?? -1, stop: async () => void (await proc.stop()) };
}
