/**
 * Whether a local deploy of the `data` stack would change nothing, so that `npm start` may skip it:
 * the last successful deploy recorded what it applied (.local/data-deploy.json), the app
 * synthesizes the same stack today, Terraform's stack directory and state are as that deploy left
 * them, and the embedded DynamoDB still holds every table and seeded item. The decisions are pure
 * (scripts/lib/deploy-record.ts, scripts/lib/seeded-contents.ts); this module reads and hashes.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DescribeTableCommand, DynamoDBClient, paginateScan } from '@aws-sdk/client-dynamodb';
import { loadConfig } from '../stacks/settings/config';
import { initialisedStatePath } from './lib/backend-cache';
import { formatDeployRecord, parseDeployRecord, redeployReason, sha256, type DeployInputs, type DeployRecord } from './lib/deploy-record';
import { dataStackDir, localDeployEnv, localStatePath } from './lib/local-deploy';
import { logFile, quietRun } from './lib/quiet-run';
import { contentsProblem, seededTables, type DescribedTable, type ObservedTable, type SeededTableSpec, type WireItem } from './lib/seeded-contents';
import { terraformVersion } from './lib/terraform-version';

/** Where the record of the last successful local deploy is kept, relative to the project root. */
export const DEPLOY_RECORD = path.join('.local', 'data-deploy.json');

/** Options of {@link checkDataUnchanged} and {@link recordDeploy}. */
export interface DataCheckOptions {
  /** The embedded DynamoDB, `http://127.0.0.1:<port>`. */
  readonly endpoint: string;
  /** Project directory: holds cdktf.json, cdktf.out and .local. */
  readonly cwd: string;
  /** Aborting stops the synthesis. */
  readonly signal?: AbortSignal;
  /**
   * The version of the Terraform binary the deploy runs, when the caller has read it already
   * (`npm start` does, to check it). @default - read with `terraform version -json`
   */
  readonly terraformVersion?: string;
}

/** The deploy would change nothing: what the tables hold. */
export interface DataUnchanged {
  readonly unchanged: true;
  /** Item count of each table, by physical name. */
  readonly tables: Readonly<Record<string, number>>;
  readonly items: number;
}

/** The stack must deploy. */
export interface DataChanged {
  readonly unchanged: false;
  /** Why, as a clause that follows "because", e.g. `the embedded DynamoDB has no table bookmarks-local-bookmark`. */
  readonly reason: string;
  /** The data stack's cdk.tf.json the check synthesized, for the deploy to apply; undefined when it did not get that far. */
  readonly stack?: string;
}

/**
 * Whether deploying the data stack to `endpoint` now would be a no-op. Any doubt (no record, a
 * synthesis that fails, a file or table that cannot be read) answers "deploy", with the reason.
 */
export async function checkDataUnchanged(options: DataCheckOptions): Promise<DataUnchanged | DataChanged> {
  const record = readRecord(options.cwd);
  if (record === undefined) return { unchanged: false, reason: 'no earlier deploy is recorded' };
  try {
    return await compareWithRecord(record, options);
  } catch (error) {
    return { unchanged: false, reason: `the check failed (${error instanceof Error ? error.message : String(error)})` };
  }
}

async function compareWithRecord(record: DeployRecord, options: DataCheckOptions): Promise<DataUnchanged | DataChanged> {
  const env = localDeployEnv(options.endpoint);
  const statePath = localStatePath(env, options.cwd);
  if (statePath === undefined) return { unchanged: false, reason: 'the local environment keeps its state remotely' };

  const [synthesized, version] = await Promise.all([synthesizeDataStack(options, env), options.terraformVersion ?? terraformVersion()]);
  if (typeof synthesized !== 'string') return { unchanged: false, reason: synthesized.reason };
  const changed = (reason: string): DataChanged => ({ unchanged: false, reason, stack: synthesized });
  if (version === undefined) return changed('the Terraform version could not be read');
  const current: DeployInputs = {
    environment: loadConfig(env, options.cwd).environment,
    endpoint: options.endpoint,
    statePath,
    terraformVersion: version,
    stackSha256: sha256(synthesized),
  };
  const stackDir = dataStackDir(options.cwd);
  const applied = {
    stackDirSha256: fileSha256(path.join(stackDir, 'cdk.tf.json')),
    backendStatePath: initialisedStatePath(stackDir),
    stateSha256: fileSha256(statePath),
  };
  const terraformReason = redeployReason(record, current, applied);
  if (terraformReason !== undefined) return changed(terraformReason);

  const stack = JSON.parse(synthesized) as { provider?: { aws?: { region?: string }[] } };
  const specs = seededTables(stack);
  if (typeof specs === 'string') return changed(specs);
  const observed = await observeTables(options.endpoint, stack.provider?.aws?.[0]?.region ?? 'us-east-1', specs);
  const contentsReason = contentsProblem(specs, observed);
  if (contentsReason !== undefined) return changed(contentsReason);
  const tables = Object.fromEntries(specs.map((spec) => [spec.name, observed.get(spec.name)?.items.length ?? 0]));
  return { unchanged: true, tables, items: Object.values(tables).reduce((a, b) => a + b, 0) };
}

/**
 * Records what the deploy that just succeeded applied: the stack in cdktf.out, its inputs and the
 * state it left. Without a local state file nothing is recorded, and the next start deploys.
 */
export async function recordDeploy(options: DataCheckOptions): Promise<void> {
  const env = localDeployEnv(options.endpoint);
  const statePath = localStatePath(env, options.cwd);
  const stackSha256 = fileSha256(path.join(dataStackDir(options.cwd), 'cdk.tf.json'));
  const stateSha256 = statePath === undefined ? undefined : fileSha256(statePath);
  const version = options.terraformVersion ?? (await terraformVersion());
  if (statePath === undefined || stackSha256 === undefined || stateSha256 === undefined || version === undefined) return;
  const inputs = { environment: loadConfig(env, options.cwd).environment, endpoint: options.endpoint, statePath, terraformVersion: version, stackSha256 };
  const file = path.join(options.cwd, DEPLOY_RECORD);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(`${file}.tmp`, formatDeployRecord({ inputs, stateSha256 }));
  fs.renameSync(`${file}.tmp`, file);
}

/** Drops the record before a deploy: a deploy that fails or is stopped leaves none, so the next start deploys. */
export function forgetDeploy(cwd: string): void {
  fs.rmSync(path.join(cwd, DEPLOY_RECORD), { force: true });
}

function readRecord(cwd: string): DeployRecord | undefined {
  try {
    return parseDeployRecord(fs.readFileSync(path.join(cwd, DEPLOY_RECORD), 'utf8'));
  } catch {
    return undefined;
  }
}

function fileSha256(file: string): string | undefined {
  try {
    return sha256(fs.readFileSync(file));
  } catch {
    return undefined;
  }
}

/**
 * The data stack's cdk.tf.json as the app synthesizes it now, written to a scratch folder (the
 * stack directory in cdktf.out is what the last deploy applied and stays untouched), or why not.
 */
async function synthesizeDataStack(options: DataCheckOptions, env: NodeJS.ProcessEnv): Promise<string | { reason: string }> {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'data-check-'));
  try {
    const result = await quietRun(process.execPath, [path.join(options.cwd, 'scripts', 'app.mjs'), '--synth', '--output', outdir], {
      cwd: options.cwd,
      logFile: logFile(options.cwd, 'synth-check'),
      env,
      ...(options.signal ? { signal: options.signal } : {}),
    });
    if (!result.ok) return { reason: `the app did not synthesize (${result.reason ?? 'no reason printed'})` };
    return fs.readFileSync(path.join(outdir, 'stacks', 'data', 'cdk.tf.json'), 'utf8');
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

/** Each table of `specs` as DynamoDB describes it, with every item a scan returns. */
async function observeTables(endpoint: string, region: string, specs: readonly SeededTableSpec[]): Promise<Map<string, ObservedTable>> {
  const client = new DynamoDBClient({ endpoint, region, credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, maxAttempts: 1 });
  try {
    const observed = await Promise.all(
      specs.map(async (spec): Promise<[string, ObservedTable]> => {
        const table = await describeTable(client, spec.name);
        if (table === undefined) return [spec.name, { items: [] }];
        const items: WireItem[] = [];
        for await (const page of paginateScan({ client }, { TableName: spec.name })) items.push(...(page.Items ?? []));
        return [spec.name, { table, items }];
      }),
    );
    return new Map(observed);
  } finally {
    client.destroy();
  }
}

async function describeTable(client: DynamoDBClient, name: string): Promise<DescribedTable | undefined> {
  try {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: name }));
    const key = (type: 'HASH' | 'RANGE', schema = Table?.KeySchema): string | undefined => schema?.find((k) => k.KeyType === type)?.AttributeName;
    const rangeKey = key('RANGE');
    return {
      status: Table?.TableStatus ?? 'UNKNOWN',
      hashKey: key('HASH') ?? '',
      ...(rangeKey === undefined ? {} : { rangeKey }),
      indexes: (Table?.GlobalSecondaryIndexes ?? []).map((index) => index.IndexName ?? ''),
    };
  } catch (error) {
    if (error instanceof Error && error.name === 'ResourceNotFoundException') return undefined;
    throw error;
  }
}
