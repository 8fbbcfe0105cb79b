/** Starts and stops a private moto server (emulated AWS) on a free port, for applies of real Terraform. */
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import * as net from 'node:net';

/** A running moto server. */
export interface MotoServer {
  readonly port: number;
  readonly endpoint: string;
  /** Stops this server (and only it). */
  stop(): Promise<void>;
}

/** Fails with install instructions (never skips) when moto_server is not on the PATH. */
export function requireMoto(): void {
  const result = spawnSync('moto_server', ['--help'], { encoding: 'utf8' });
  if (result.error || result.status !== 0) {
    throw new Error('moto_server was not found on PATH. Install moto 5.x with its server extra: pip install "moto[server]==5.2.1"');
  }
}

/** A TCP port nobody listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function waitUntilUp(endpoint: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`moto_server exited with code ${child.exitCode} before it answered`);
    try {
      const response = await fetch(`${endpoint}/moto-api/`);
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`moto_server did not answer on ${endpoint} within ${timeoutMs} ms`);
}

/**
 * Starts `moto_server` on a free port with AWS managed IAM policies loaded and ACM certificates
 * issued at once (see notes/emulated-aws.md).
 */
export async function startMoto(timeoutMs = 30_000): Promise<MotoServer> {
  requireMoto();
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const child = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], {
    env: { ...process.env, MOTO_IAM_LOAD_MANAGED_POLICIES: 'true', MOTO_ACM_VALIDATION_WAIT: '0' },
    stdio: 'ignore',
  });
  try {
    await waitUntilUp(endpoint, child, timeoutMs);
  } catch (error) {
    child.kill('SIGTERM');
    throw error;
  }
  return {
    port,
    endpoint,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** Environment for the AWS CLI against the server (fake credentials, fixed region). */
export function awsCliEnv(region: string): NodeJS.ProcessEnv {
  return { ...process.env, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_DEFAULT_REGION: region, AWS_PAGER: '' };
}

/** Runs `aws --endpoint-url <endpoint> <args> --output json` and parses the answer. */
export function awsCli<T>(server: MotoServer, region: string, args: string[]): T {
  const result = spawnSync('aws', ['--endpoint-url', server.endpoint, ...args, '--output', 'json'], { encoding: 'utf8', env: awsCliEnv(region) });
  if (result.status !== 0) throw new Error(`aws ${args.join(' ')} failed (exit ${result.status}): ${result.stderr}`);
  return JSON.parse(result.stdout) as T;
}
