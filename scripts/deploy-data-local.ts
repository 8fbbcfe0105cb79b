/**
 * `npm run data:local`: the `data` stack deployed for real to the embedded DynamoDB. Starts dynalite
 * (persisted under .local/dynamodb/) unless one already answers on DYNAMODB_PORT, then runs
 * `cdktf deploy data` with CDKTF_ENV=local. `--keep-running` leaves a dynalite started here running
 * in the foreground afterwards; otherwise it is stopped.
 */
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { DEFAULT_DYNAMODB_DIR, DEFAULT_DYNAMODB_PORT, isDynamoRunning, startLocalDynamo } from './local-dynamodb';
import { runAsScript } from './run-as-script';

/** Options of {@link deployDataLocal}. */
export interface DeployDataLocalOptions {
  /** The running embedded DynamoDB, `http://127.0.0.1:<port>`. */
  readonly endpoint: string;
  /** Project directory: holds cdktf.json; state goes to `<cwd>/state/local/data.tfstate`. */
  readonly cwd: string;
  /** Where cdktf's output goes. @default 'inherit' */
  readonly stdio?: 'inherit' | 'ignore';
}

/**
 * Runs `cdktf deploy data --auto-approve --skip-provider-lock` for the local environment against
 * `endpoint`. Asynchronous on purpose: the DynamoDB may be served from this very process.
 */
export async function deployDataLocal(options: DeployDataLocalOptions): Promise<void> {
  const url = new URL(options.endpoint);
  if (!['127.0.0.1', 'localhost'].includes(url.hostname) || url.port === '') {
    throw new Error(`deployDataLocal endpoint: "${options.endpoint}" is not a loopback URL with a port; use e.g. http://127.0.0.1:8000`);
  }
  const cdktf = path.join(options.cwd, 'node_modules', '.bin', 'cdktf');
  // The provider lock step needs the registry; the AWS provider comes from the local mirror or cache.
  const args = ['deploy', 'data', '--auto-approve', '--skip-provider-lock'];
  const child = spawn(cdktf, args, {
    cwd: options.cwd,
    stdio: options.stdio ?? 'inherit',
    env: { ...process.env, CDKTF_ENV: 'local', DYNAMODB_PORT: url.port, CHECKPOINT_DISABLE: '1' },
  });
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', resolve);
  });
  if (code !== 0) throw new Error(`cdktf ${args.join(' ')} failed with exit code ${code}`);
}

async function main(): Promise<void> {
  const root = path.resolve(__dirname, '..');
  const keepRunning = process.argv.includes('--keep-running');
  const port = Number(process.env.DYNAMODB_PORT ?? DEFAULT_DYNAMODB_PORT);
  const endpoint = `http://127.0.0.1:${port}`;
  const started = (await isDynamoRunning(endpoint)) ? undefined : await startLocalDynamo({ port, dir: path.join(root, DEFAULT_DYNAMODB_DIR) });
  console.error(started ? `started dynalite on ${endpoint} (data in ${DEFAULT_DYNAMODB_DIR}/)` : `using the DynamoDB on ${endpoint}`);
  try {
    await deployDataLocal({ endpoint, cwd: root });
  } catch (error) {
    await started?.stop();
    throw error;
  }
  if (!started) return;
  if (!keepRunning) {
    await started.stop();
    return;
  }
  console.error(`dynalite keeps running on ${endpoint} (Ctrl-C to stop)`);
  const shutdown = (): void => void started.stop().then(() => process.exit(0));
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

runAsScript(module, main);
