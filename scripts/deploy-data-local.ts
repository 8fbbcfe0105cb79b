/**
 * `npm run data:local`: the `data` stack deployed for real to the embedded DynamoDB. Prepares the
 * machine (scripts/prepare-machine.ts), starts dynalite (persisted under .local/dynamodb/) unless
 * one already answers on DYNAMODB_PORT, then synthesizes the app with CDKTF_ENV=local and applies
 * the data stack with Terraform ({@link deployDataLocal}). The whole synthesis and Terraform output
 * goes to .local/logs/deploy-data.log; the terminal gets one line.
 * Every deploy through here is recorded for `npm start`'s check that a deploy would change nothing.
 * `--keep-running` leaves a dynalite started here running in the foreground afterwards.
 */
import { withTerraformGoGc } from './lib/go-gc';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DynamoDBClient, paginateScan } from '@aws-sdk/client-dynamodb';
import { literal, TfDocument, type TfJson } from '../stacks/lib/tf-json';
import { forgetDeploy, recordDeploy } from './data-unchanged';
import { forgetOtherBackend, initialisedStatePath } from './lib/backend-cache';
import { dataStackDir, localDeployEnv, localStatePath } from './lib/local-deploy';
import { logFile, quietRun, StepFailure, visibleLines, type QuietRunResult } from './lib/quiet-run';
import { asksForInit, initReason } from './lib/terraform-init';
import { terraformBinary } from './lib/terraform-version';
import { DEFAULT_DYNAMODB_DIR, DEFAULT_DYNAMODB_PORT, isDynamoRunning, startLocalDynamo } from './local-dynamodb';
import { prepareMachineLine } from './prepare-machine';
import { runAsScript } from './run-as-script';

/** Options of {@link deployDataLocal}. */
export interface DeployDataLocalOptions {
  /** The running embedded DynamoDB, `http://127.0.0.1:<port>`. */
  readonly endpoint: string;
  /** Project directory: holds cdktf.json; state goes to `<cwd>/state/local/data.tfstate`. */
  readonly cwd: string;
  /** Where the whole synthesis and Terraform output goes. @default `<cwd>/.local/logs/deploy-data.log` */
  readonly logFile?: string;
  /**
   * The data stack's cdk.tf.json as just synthesized for this endpoint (`npm start`'s check made it).
   * @default - synthesized here with `scripts/app.mjs --synth`, into cdktf.out
   */
  readonly stack?: string;
  /** `inherit` also shows the synthesis's and Terraform's output on stderr, without `<sensitive>` lines. @default 'ignore' */
  readonly stdio?: 'inherit' | 'ignore';
  /** Aborting stops the deploy. */
  readonly signal?: AbortSignal;
  /** The version of the Terraform binary, when the caller has read it already. @default - read for the deploy's record */
  readonly terraformVersion?: string;
}

/** What a deploy left in DynamoDB. */
export interface DataDeployment {
  /** Tables of the stack, by physical name, with their item counts. */
  readonly tables: Readonly<Record<string, number>>;
  readonly items: number;
  /** Wall time of the synthesis, init and apply, in milliseconds. */
  readonly ms: number;
  readonly logFile: string;
}

/** The physical names of the DynamoDB tables in a synthesized stack (`cdk.tf.json`). */
export function tableNames(stack: TfJson): string[] {
  return new TfDocument(stack).resources('aws_dynamodb_table').map((table) => {
    const name = table.props.name;
    if (typeof name !== 'string' || name.includes('${')) {
      throw new Error(`cdk.tf.json ${table.address}.name: ${JSON.stringify(name)} is not a literal table name; the local environment names its tables literally`);
    }
    return name;
  });
}

/** Counts the items of each table with a paginated `Scan` (`Select: COUNT`). */
async function countItems(endpoint: string, region: string, names: readonly string[]): Promise<Record<string, number>> {
  const client = new DynamoDBClient({ endpoint, region, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  try {
    const counts: Record<string, number> = {};
    for (const name of names) {
      counts[name] = 0;
      for await (const page of paginateScan({ client }, { TableName: name, Select: 'COUNT' })) counts[name] += page.Count ?? 0;
    }
    return counts;
  } finally {
    client.destroy();
  }
}

/**
 * Deploys the local environment's data stack to `endpoint` with Terraform run directly on its
 * directory in cdktf.out, as `cdktf deploy data --auto-approve` would but without the CLI's own
 * start-up, second synthesis and unconditional init: writes the stack (the one given, or
 * synthesized here with `scripts/app.mjs --synth`), runs `terraform init` only when the directory
 * is not ready for this state (scripts/lib/terraform-init.ts), then one `terraform apply
 * -auto-approve`. Then counts what the tables hold. Throws a {@link StepFailure} with the one line
 * that says why and the log's path. Asynchronous on purpose: the DynamoDB may be served from this
 * very process.
 */
export async function deployDataLocal(options: DeployDataLocalOptions): Promise<DataDeployment> {
  const url = new URL(options.endpoint);
  if (!['127.0.0.1', 'localhost'].includes(url.hostname) || url.port === '') {
    throw new Error(`deployDataLocal endpoint: "${options.endpoint}" is not a loopback URL with a port; use e.g. http://127.0.0.1:8000`);
  }
  const started = performance.now();
  const log = options.logFile ?? logFile(options.cwd, 'deploy-data');
  const env = localDeployEnv(options.endpoint);
  const stackDir = dataStackDir(options.cwd);
  const signal = options.signal ? { signal: options.signal } : {};
  const outputs: string[] = [];
  /** Runs one command of the deploy, its output appended to the log. */
  const run = async (command: string, args: readonly string[], runEnv: NodeJS.ProcessEnv, cwd = stackDir): Promise<QuietRunResult> => {
    const result = await quietRun(command, args, { cwd, logFile: log, env: runEnv, ...signal });
    outputs.push(result.output);
    return result;
  };
  const fail = (result: QuietRunResult, what: string): never => {
    throw new StepFailure(result.reason ?? `${what} failed with exit code ${result.code}`, log);
  };
  forgetDeploy(options.cwd);
  try {
    if (options.stack === undefined) {
      const synth = await run(process.execPath, [path.join(options.cwd, 'scripts', 'app.mjs'), '--synth'], env, options.cwd);
      if (!synth.ok) fail(synth, 'the synthesis');
    } else {
      fs.mkdirSync(stackDir, { recursive: true });
      fs.writeFileSync(path.join(stackDir, 'cdk.tf.json'), options.stack);
    }

    const statePath = localStatePath(env, options.cwd);
    // cdktf.out may hold another environment's data stack (a sandbox or dev deploy): Terraform must not refuse the local state.
    forgetOtherBackend(stackDir, statePath);
    const terraform = terraformBinary(env);
    const terraformEnv = withTerraformGoGc({ ...env, CHECKPOINT_DISABLE: '1', TF_IN_AUTOMATION: '1', TF_INPUT: '0' });
    const init = async (because: string): Promise<void> => {
      fs.appendFileSync(log, `\n=== terraform init, because ${because}\n`);
      const initialised = await run(terraform, ['init', '-input=false', '-no-color'], terraformEnv);
      if (!initialised.ok) fail(initialised, 'terraform init');
    };
    const needsInit = initReason({
      wantedStatePath: statePath,
      initialisedStatePath: initialisedStatePath(stackDir),
      hasLockFile: fs.existsSync(path.join(stackDir, '.terraform.lock.hcl')),
    });
    if (needsInit !== undefined) await init(needsInit);
    const apply = ['apply', '-auto-approve', '-input=false', '-no-color'];
    let applied = await run(terraform, apply, terraformEnv);
    // A lock file or provider folder that no longer fits: Terraform stops before planning and asks for init.
    if (!applied.ok && needsInit === undefined && asksForInit(applied.output)) {
      await init(`the apply stopped with "${(applied.reason ?? '').split(':')[0]}"`);
      applied = await run(terraform, apply, terraformEnv);
    }
    if (!applied.ok) fail(applied, 'terraform apply');
  } finally {
    if (options.stdio === 'inherit') {
      for (const line of visibleLines(outputs.join(''))) process.stderr.write(`${line}\n`);
    }
  }
  const ms = performance.now() - started;

  await recordDeploy({ endpoint: options.endpoint, cwd: options.cwd, ...(options.terraformVersion === undefined ? {} : { terraformVersion: options.terraformVersion }) });
  const stack = JSON.parse(fs.readFileSync(path.join(stackDir, 'cdk.tf.json'), 'utf8')) as TfJson;
  const tables = await countItems(options.endpoint, literal(stack.provider?.aws?.[0]?.region) ?? 'us-east-1', tableNames(stack));
  return { tables, items: Object.values(tables).reduce((a, b) => a + b, 0), ms, logFile: log };
}

/** `3 tables, 114 items`. */
export function describeDeployment(deployment: Pick<DataDeployment, 'tables' | 'items'>): string {
  const tables = Object.keys(deployment.tables).length;
  return `${tables} table${tables === 1 ? '' : 's'}, ${deployment.items} item${deployment.items === 1 ? '' : 's'}`;
}

async function main(): Promise<void> {
  const root = path.resolve(__dirname, '..');
  const keepRunning = process.argv.includes('--keep-running');
  const port = Number(process.env.DYNAMODB_PORT ?? DEFAULT_DYNAMODB_PORT);
  const endpoint = `http://127.0.0.1:${port}`;
  // The pinned AWS SDK runs on Node 20; its notice about future versions needing Node 22 is not ours to act on here.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const prepared = await prepareMachineLine({ root });
  if (prepared !== undefined) console.error(prepared);
  const started = (await isDynamoRunning(endpoint)) ? undefined : await startLocalDynamo({ port, dir: path.join(root, DEFAULT_DYNAMODB_DIR) });
  console.error(started ? `started dynalite on ${endpoint} (data in ${DEFAULT_DYNAMODB_DIR}/)` : `using the DynamoDB on ${endpoint}`);
  try {
    const deployment = await deployDataLocal({ endpoint, cwd: root });
    console.error(`data stack deployed: ${describeDeployment(deployment)} (${(deployment.ms / 1000).toFixed(1)} s; Terraform log: ${path.relative(root, deployment.logFile)})`);
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
