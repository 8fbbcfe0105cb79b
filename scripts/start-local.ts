/**
 * `npm start`: prepares the machine (scripts/prepare-machine.ts), starts the embedded DynamoDB,
 * deploys the `data` stack to it with real Terraform (`local` environment) unless that deploy would
 * change nothing (scripts/data-unchanged.ts), then runs the bundled service on
 * http://localhost:8080. The terminal gets one line per step with its duration; the Terraform and
 * service output go to .local/logs/, and a failure prints the one line that says why and the log's
 * path. Ctrl-C stops everything; a second run reuses the DynamoDB files under .local/dynamodb/ and
 * the Terraform state under state/local/.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { loadConfig } from '../stacks/settings/config';
import { physicalName } from '../stacks/lib/naming';
import { checkDataUnchanged, type DataUnchanged } from './data-unchanged';
import { deployDataLocal, describeDeployment, type DataDeployment } from './deploy-data-local';
import { failureReason, logFile, StepFailure } from './lib/quiet-run';
import { parseTerraformVersion, terraformBinary } from './lib/terraform-version';
import { DEFAULT_DYNAMODB_DIR, DEFAULT_DYNAMODB_PORT, isDynamoRunning, startLocalDynamo, type LocalDynamo } from './local-dynamodb';
import { prepareMachineLine } from './prepare-machine';
import { ensureServiceBuilt } from './service-build';

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
  const version = parseTerraformVersion(result.stdout);
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

/** `12.3 s` */
function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/** A path for the terminal: relative to the project when inside it. */
function shown(file: string): string {
  const relative = path.relative(ROOT, file);
  return relative.startsWith('..') ? file : relative;
}

/** A step's line: `<title> in <duration>: <detail>`. */
interface StepLine {
  readonly title: string;
  readonly detail: string;
}

/** Runs one step and prints its line with the duration; `describe` turns the result into the line. */
async function step<T>(describe: (value: T) => StepLine, run: () => Promise<T>): Promise<T> {
  const started = performance.now();
  const value = await run();
  const { title, detail } = describe(value);
  log(`${title} in ${seconds(performance.now() - started)}: ${detail}`);
  return value;
}

/** The data step's outcome: unchanged since the last deploy, or deployed and why. */
type DataStep = DataUnchanged | (DataDeployment & { readonly because: string });

/** The data step's line: skipped, with what the tables hold, or deployed, with the log and the reason. */
export function describeDataStep(outcome: DataStep): StepLine {
  if ('because' in outcome) {
    return { title: 'data stack deployed', detail: `${describeDeployment(outcome)}; Terraform log: ${shown(outcome.logFile)}; deployed because ${outcome.because}` };
  }
  return { title: 'data stack unchanged', detail: `${describeDeployment(outcome)} as last deployed; deploy skipped` };
}

/** What the service printed since `offset` in its log, for the reason it stopped. */
function serviceReason(file: string, offset: number, fallback: string): string {
  try {
    const text = fs.readFileSync(file, 'utf8').slice(offset);
    return failureReason(text) ?? fallback;
  } catch {
    return fallback;
  }
}

/** Whether nothing listens on `port` yet (on any address, as the service will listen). */
async function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, () => server.close(() => resolve(true)));
  });
}

async function waitForReady(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the service exited with code ${child.exitCode}`);
    const ok = await fetch(`${url}/ready`).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`the service did not become ready within ${timeoutMs} ms`);
}

async function main(): Promise<void> {
  const started = performance.now();
  // The pinned AWS SDK runs on Node 20; its notice about future versions needing Node 22 is not ours to act on here.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const terraform = terraformBinary();
  let versionOutput = '';
  const problem = terraformProblem(terraform, (bin) => {
    const r = spawnSync(bin, ['version', '-json'], { encoding: 'utf8', timeout: 10_000 });
    versionOutput = r.stdout ?? '';
    return { ...(r.error ? { error: r.error } : {}), stdout: versionOutput };
  });
  if (problem !== undefined) {
    log(problem);
    process.exit(1);
  }
  const terraformVersion = parseTerraformVersion(versionOutput);

  const dynamoPort = Number(process.env.DYNAMODB_PORT ?? DEFAULT_DYNAMODB_PORT);
  const servicePort = Number(process.env.PORT ?? 8080);
  const abort = new AbortController();
  let dynamo: LocalDynamo | undefined;
  let service: ChildProcess | undefined;
  let stopping = false;

  const stopAll = async (code: number): Promise<never> => {
    stopping = true;
    abort.abort();
    if (service && service.exitCode === null) {
      const exited = new Promise((r) => service!.once('exit', r));
      service.kill('SIGTERM');
      await exited;
    }
    if (dynamo) await dynamo.stop();
    if (code === 0) log('stopped');
    process.exit(code);
  };
  process.once('SIGINT', () => void stopAll(0));
  process.once('SIGTERM', () => void stopAll(0));

  const startEverything = async (): Promise<void> => {
    // Checked first: whatever listens there would answer /ready in the service's place, after a whole deploy.
    if (!(await portFree(servicePort))) throw new StepFailure(`port ${servicePort} is already in use; stop what listens there, or set PORT to a free port`);
    // The service bundle does not depend on the data: it builds while the data step runs, and the service step waits for it.
    const serviceLog = logFile(ROOT, 'service');
    const serviceBuilt = ensureServiceBuilt({ root: ROOT, logFile: serviceLog, signal: abort.signal });
    // Awaited in the service step; an earlier step's failure must not turn it into an unhandled rejection.
    serviceBuilt.catch(() => undefined);
    const prepared = await prepareMachineLine({ root: ROOT });
    if (prepared !== undefined) log(prepared);

    let endpoint = `http://127.0.0.1:${dynamoPort}`;
    await step(
      (reused: boolean) => ({
        title: 'DynamoDB up',
        detail: reused ? `reusing the one already on ${endpoint}` : `${endpoint}, data in ${DEFAULT_DYNAMODB_DIR}/`,
      }),
      async () => {
        if (await isDynamoRunning(endpoint)) return true;
        dynamo = await startLocalDynamo({ port: dynamoPort, dir: path.join(ROOT, DEFAULT_DYNAMODB_DIR) });
        endpoint = dynamo.endpoint;
        return false;
      },
    );

    await step(describeDataStep, async (): Promise<DataStep> => {
      // The version read above stands for the check and the deploy's record: the binary is the same.
      const known = terraformVersion === undefined ? {} : { terraformVersion };
      const check = await checkDataUnchanged({ endpoint, cwd: ROOT, signal: abort.signal, ...known });
      if (check.unchanged) return check;
      // The check's synthesis is the stack to apply: synthesizing it again would cost a second.
      const stack = check.stack === undefined ? {} : { stack: check.stack };
      return { ...(await deployDataLocal({ endpoint, cwd: ROOT, signal: abort.signal, ...known, ...stack })), because: check.reason };
    });
    if (stopping) return;

    const url = `http://localhost:${servicePort}`;
    await step(
      () => ({
        title: 'service ready',
        detail: `${url} (log: ${shown(serviceLog)}); everything up ${seconds(performance.now() - started)} after npm start, Ctrl-C stops it all`,
      }),
      async () => {
        await serviceBuilt;
        // A skipped build wrote nothing: the log and its folder may not exist yet.
        fs.mkdirSync(path.dirname(serviceLog), { recursive: true });
        const offset = fs.existsSync(serviceLog) ? fs.statSync(serviceLog).size : 0;
        const out = fs.openSync(serviceLog, 'a');
        const env = localServiceEnv({ port: servicePort, dynamoEndpoint: endpoint, env: process.env });
        service = spawn(process.execPath, ['--enable-source-maps', path.join(ROOT, 'service', 'dist', 'server.js')], { cwd: ROOT, env, stdio: ['ignore', out, out] });
        fs.closeSync(out);
        const child = service;
        let ready = false;
        child.once('exit', (code) => {
          // Before it was ready, waitForReady reports the exit.
          if (stopping || !ready) return;
          log(`the service stopped unexpectedly (exit code ${code}): ${serviceReason(serviceLog, offset, 'no reason in its log')}`);
          log(`full log: ${shown(serviceLog)}`);
          void stopAll(code ?? 1);
        });
        try {
          await waitForReady(url, child, 30_000);
          ready = true;
        } catch (error) {
          throw new StepFailure(serviceReason(serviceLog, offset, (error as Error).message), serviceLog);
        }
      },
    );
  };

  try {
    await startEverything();
  } catch (err) {
    if (stopping) return;
    if (err instanceof StepFailure) {
      log(`failed: ${err.reason}`);
      if (err.logFile !== undefined) log(`full log: ${shown(err.logFile)}`);
    } else {
      log(`failed: ${err instanceof Error ? err.message : String(err)}`);
    }
    await stopAll(1);
  }
}

if (require.main === module) {
  main().catch((err: unknown) => {
    log(`failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
}
