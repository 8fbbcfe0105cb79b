import { spawn } from 'node:child_process';
import * as fs from 'node:fs';

/** A dynalite server for one test file. */
export interface TestDynalite {
  /** e.g. `http://127.0.0.1:41234` */
  readonly endpoint: string;
  readonly port: number;
  stop(): Promise<void>;
}

// dynalite runs in a child process: tests drive terraform with spawnSync, which blocks this
// process's event loop and would starve an in-process server of the requests terraform sends it.
const SERVER = `
const options = JSON.parse(process.argv[1]);
const server = require(${JSON.stringify(require.resolve('dynalite'))})(options);
server.listen(0, '127.0.0.1', () => process.stdout.write(JSON.stringify({ port: server.address().port }) + '\\n'));
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
`;

/**
 * Starts dynalite on 127.0.0.1 with a free port, in memory or persisted to `opts.path`, in a child
 * process that also ends with the test process. Call `stop()` in `afterAll`.
 */
export async function startDynalite(opts: { path?: string } = {}): Promise<TestDynalite> {
  if (opts.path) fs.mkdirSync(opts.path, { recursive: true });
  const options = { createTableMs: 0, deleteTableMs: 0, updateTableMs: 0, ...(opts.path ? { path: opts.path } : {}) };
  const child = spawn(process.execPath, ['-e', SERVER, JSON.stringify(options)], { stdio: ['pipe', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    let buffered = '';
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`dynalite exited with code ${code} before listening`)));
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const line = buffered.split('\n')[0];
      if (buffered.includes('\n')) resolve((JSON.parse(line) as { port: number }).port);
    });
  });
  child.removeAllListeners('exit');
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
