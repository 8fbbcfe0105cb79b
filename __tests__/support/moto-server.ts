/** Starts and stops a private moto server (emulated AWS) on a free port, for applies of real Terraform. */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { startMoto as startMotoServer } from '../../scripts/moto';

/** A running moto server. */
export interface MotoServer {
  readonly port: number;
  readonly endpoint: string;
  /** Stops this server (and only it). */
  stop(): Promise<void>;
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

/**
 * Starts `moto_server` on a free port with the sandbox's flags (scripts/moto.ts: AWS managed IAM
 * policies loaded, ACM certificates issued at once); its output goes to a temporary log file.
 * A missing moto_server fails with the command that installs it.
 */
export async function startMoto(timeoutMs = 30_000): Promise<MotoServer> {
  const port = await freePort();
  const logFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'moto-')), 'moto.log');
  const moto = await startMotoServer({ port, logFile, timeoutMs });
  return { port, endpoint: moto.url, stop: () => moto.stop() };
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
