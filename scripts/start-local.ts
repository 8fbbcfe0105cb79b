/**
 * `npm start`: the embedded DynamoDB, the `data` stack deployed to it with real Terraform (`local`
 * environment), then the bundled service on http://localhost:8080. Ctrl-C stops everything; a second
 * run reuses the DynamoDB files under .local/dynamodb/ and the Terraform state under state/local/.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { loadConfig } from '../stacks/config';
import { physicalName } from '../stacks/naming';
import { deployDataLocal } from './deploy-data-local';
import { DEFAULT_DYNAMODB_DIR, DEFAULT_DYNAMODB_PORT, isDynamoRunning, startLocalDynamo, type LocalDynamo } from './local-dynamodb';

const ROOT = path.resolve(__dirname, '..');
/** Oldest Terraform the project supports; the CI and the offline provider mirror use 1.11.x. */
export const MIN_TERRAFORM = { major: 1, minor: 10 } as const;
const INSTALL_HINT =
  'Install Terraform 1.11.x (1.10 or newer) from https://developer.hashicorp.com/terraform/install and put it on PATH ' +
  '(or point TERRAFORM_BINARY_NAME at it). `npm start` needs it because it deploys the `data` stack ' +
  '(the DynamoDB tables and their CSV seed items) to the embedded DynamoDB with real Terraform, exactly as on AWS.';

/** Why the Terraform binary is unusable, or undefined when it is fine; `run` executes `<binary> version -json`. */
export function terraformProblem(binary: string, run: (binary: string) => { error?: Error; stdout: string }): string | undefined {
  const result = run(binary);
  if (result.error !== undefined) {
    return `No terraform binary found ("${binary}": ${(result.error as NodeJS.ErrnoException).code ?? result.error.message}).\n${INSTALL_HINT}`;
  }
  let version: string | undefined;
  try {
    version = (JSON.parse(result.stdout) as { terraform_version?: string }).terraform_version;
  } catch {
    version = /Terraform v(\d+\.\d+\.\d+)/.exec(result.stdout)?.[1];
  }
  const match = /^(\d+)\.(\d+)\./.exec(version ?? '');
  if (match === null) return `Could not read the version of "${binary}".\n${INSTALL_HINT}`;
  const [major, minor] = [Number(match[1]), Number(match[2])];
  if (major < MIN_TERRAFORM.major || (major === MIN_TERRAFORM.major && minor < MIN_TERRAFORM.minor)) {
    return `Terraform ${version} is too old.\n${INSTALL_HINT}`;
  }
  return undefined;
}

/** The environment the service gets locally: the same variables the ECS task definition sets. */
export function localServiceEnv(options: { port: number; dynamoEndpoint: string; env: NodeJS.ProcessEnv }): Record<string, string> {
  const config = loadConfig({ ...options.env, CDKTF_ENV: 'local' }, ROOT);
  const passThrough = ['LOG_LEVEL', 'BASIC_AUTH_USER', 'BASIC_AUTH_PASSWORD', 'SHUTDOWN_TIMEOUT_MS', 'DYNAMODB_TIMEOUT_MS'];
  return {
    PATH: options.env.PATH ?? '',
    PORT: String(options.port),
    AWS_REGION: config.region,
    // The embedded DynamoDB accepts any credentials; fixed ones keep the SDK from searching for real ones.
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    DYNAMODB_ENDPOINT: options.dynamoEndpoint,
    CATEGORY_TABLE: physicalName(config, 'category'),
    RESOURCE_TABLE: physicalName(config, 'resource'),
    BOOKMARK_TABLE: physicalName(config, 'bookmark'),
    ...Object.fromEntries(passThrough.filter((k) => options.env[k] !== undefined).map((k) => [k, options.env[k] as string])),
  };
}

function log(message: string): void {
  process.stderr.write(`[npm start] ${message}\n`);
}

async function waitForReady(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the service exited with code ${child.exitCode}`);
    const ok = await fetch(`${url}/ready`).then((r) => r.status === 200, () => false);
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`the service did not become ready within ${timeoutMs} ms`);
}

async function main(): Promise<void> {
  const started = performance.now();
  const terraform = process.env.TERRAFORM_BINARY_NAME ?? 'terraform';
  const problem = terraformProblem(terraform, (bin) => {
    const r = spawnSync(bin, ['version', '-json'], { encoding: 'utf8', timeout: 10_000 });
    return { ...(r.error ? { error: r.error } : {}), stdout: r.stdout ?? '' };
  });
  if (problem !== undefined) {
    log(problem);
    process.exit(1);
  }

  const dynamoPort = Number(process.env.DYNAMODB_PORT ?? DEFAULT_DYNAMODB_PORT);
  const servicePort = Number(process.env.PORT ?? 8080);
  let dynamo: LocalDynamo | undefined;
  let service: ChildProcess | undefined;
  let stopping = false;

  const stopAll = async (code: number): Promise<never> => {
    stopping = true;
    if (service && service.exitCode === null) {
      const exited = new Promise((r) => service!.once('exit', r));
      service.kill('SIGTERM');
      await exited;
    }
    if (dynamo) await dynamo.stop();
    log('stopped');
    process.exit(code);
  };
  process.once('SIGINT', () => void stopAll(0));
  process.once('SIGTERM', () => void stopAll(0));

  const startEverything = async (): Promise<void> => {
    let endpoint = `http://127.0.0.1:${dynamoPort}`;
    if (await isDynamoRunning(endpoint)) {
      log(`reusing the DynamoDB already listening on ${endpoint}`);
    } else {
      dynamo = await startLocalDynamo({ port: dynamoPort, dir: path.join(ROOT, DEFAULT_DYNAMODB_DIR) });
      endpoint = dynamo.endpoint;
      log(`embedded DynamoDB on ${endpoint} (data in ${DEFAULT_DYNAMODB_DIR}/)`);
    }

    log('deploying the data stack with Terraform (CDKTF_ENV=local)…');
    const deployStarted = performance.now();
    await deployDataLocal({ endpoint, cwd: ROOT });
    log(`data stack deployed in ${((performance.now() - deployStarted) / 1000).toFixed(1)} s`);
    if (stopping) return;

    const build = spawnSync(process.execPath, [path.join(ROOT, 'service', 'build.mjs')], { cwd: ROOT, stdio: 'inherit' });
    if (build.status !== 0) throw new Error('building the service bundle failed');

    const env = localServiceEnv({ port: servicePort, dynamoEndpoint: endpoint, env: process.env });
    service = spawn(process.execPath, ['--enable-source-maps', path.join(ROOT, 'service', 'dist', 'server.js')], {
      cwd: ROOT,
      env,
      stdio: 'inherit',
    });
    service.once('exit', (code) => {
      if (!stopping) {
        log(`the service exited unexpectedly (code ${code})`);
        void stopAll(code ?? 1);
      }
    });

    const url = `http://localhost:${servicePort}`;
    await waitForReady(url, service, 30_000);
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    log(`ready in ${seconds} s: open ${url}  (Ctrl-C stops the service and the embedded DynamoDB)`);
  };

  try {
    await startEverything();
  } catch (err) {
    log(`failed: ${err instanceof Error ? err.message : String(err)}`);
    await stopAll(1);
  }
}

if (require.main === module) {
  main().catch((err: unknown) => {
    log(`failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
}
