/**
 * `npm run sandbox`: the whole blueprint deployed by real Terraform to an emulated AWS (the
 * `sandbox` environment, a local moto server). It prepares the machine for Terraform
 * (scripts/prepare-machine.ts), starts moto or reuses the one on MOTO_PORT, runs `cdktf deploy`
 * for bootstrap (the state bucket and its KMS key, with local state), then for network, data and
 * service in that order with their state in that bucket, as dev and prod keep it (S3 backend, lock
 * file, encryption with the bootstrap key), prints the outputs, then runs the
 * service bundle locally with exactly the environment of the container definition that Terraform
 * registered, read back from the emulated ECS API. One line per step; cdktf's own output goes to
 * .local/sandbox/sandbox.log, its stack directories to .local/sandbox/cdktf.out/stacks/<stack>.
 * Ctrl-C stops the service, and moto if this run started it.
 *
 * `npm run sandbox:destroy` (`destroy`): the teardown the README documents for prod, for real:
 * protections off (CDKTF_TEARDOWN=true), deploy, then destroy service, data and network, empty the
 * state bucket and destroy bootstrap. It prepares the machine first too: it may be the first
 * command a fresh shell runs.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DescribeServicesCommand, DescribeTaskDefinitionCommand, ECSClient } from '@aws-sdk/client-ecs';
import { type AppConfig, loadConfig } from '../stacks/settings/config';
import { defaultStateBucketName } from '../stacks/settings/state';
import { CONTAINER_NAME } from '../stacks/service-stack';
import { forgetOtherBackend } from './lib/backend-cache';
import { emulatorUrl, retryableGap, unappliableDriftGap, type EmulatorGap } from './lib/emulator';
import {
  bucketAddresses,
  bucketExists,
  emptyVersionedBucket,
  managedResourceCount,
  readStackState,
  replacedBeforeRetry,
  stateLocationOf,
  stateOutputValues,
} from './lib/sandbox-state';
import { removeUntrackedItems, trackedTables } from './lib/untracked-items';
import { removeUntrackedRules, trackedGroups } from './lib/untracked-rules';
import { withTerraformGoGc } from './lib/go-gc';
import { terraformErrors } from './lib/terraform-errors';
import { ensureMoto, isMotoRunning, type BinaryCheck, type Moto } from './moto';
import { prepareMachineLine } from './prepare-machine';
import { runAsScript } from './run-as-script';
import { prepareSandboxRuntime } from './sandbox-containers';
import { terraformProblem } from './start-local';
import { terraformBinary } from './lib/terraform-version';

/** The app's stacks in deploy order, their state in the bootstrap stack's bucket; destroy runs the reverse. */
export const SANDBOX_STACKS = ['network', 'data', 'service'] as const;
export type SandboxStack = (typeof SANDBOX_STACKS)[number];
/** Every stack the sandbox deploys: bootstrap first (its state a local file), then the app's. */
export const STATE_STACKS = ['bootstrap', ...SANDBOX_STACKS] as const;
export type StateStack = (typeof STATE_STACKS)[number];

/** Where one sandbox run works: a project, its variables, its cdktf output and its log. */
export interface SandboxContext {
  /** Project directory (holds cdktf.json). */
  readonly root: string;
  /** Variables for cdktf and the configuration: MOTO_PORT, CDKTF_STATE_DIR, CDKTF_PROJECT, ... */
  readonly env: NodeJS.ProcessEnv;
  /** cdktf's output directory; each stack's Terraform directory is `<outDir>/stacks/<stack>`. */
  readonly outDir: string;
  /** Receives every command's full output. */
  readonly logFile: string;
}

/** One finished step: what it did and how long it took. */
export interface StepResult {
  readonly step: string;
  readonly ms: number;
  /** e.g. `21 added, 0 changed, 0 destroyed`. */
  readonly summary: string;
  /** The emulator gap (scripts/lib/emulator.ts) that made the step run again, if one did. */
  readonly retriedFor?: string;
}

/** A cdktf command that exited non-zero; `output` is everything it printed. */
export class CdktfError extends Error {
  constructor(
    message: string,
    readonly output: string,
  ) {
    super(message);
    this.name = 'CdktfError';
  }
}

/** How many times a step runs at most while it keeps failing with the error of a `retry` gap. */
export const MAX_RUNS_FOR_RETRY_GAPS = 3;

/**
 * Runs `attempt`, and again (up to {@link MAX_RUNS_FOR_RETRY_GAPS} runs in all) while it fails
 * with the error of a `retry` gap of the emulator (scripts/lib/emulator.ts), after `prepare` has done
 * the gap's {@link EmulatorGap.beforeRetry} work each time; any other failure, or the last, is thrown.
 * Each run of the gap is independent (a lost answer), so a repeat is rare, not a pattern.
 */
export async function retryOnEmulatorGap<T>(
  attempt: () => Promise<T>,
  prepare: (gap: EmulatorGap) => Promise<void> = async () => undefined,
): Promise<{ result: T; retriedFor?: string }> {
  const gaps: string[] = [];
  for (;;) {
    try {
      const result = await attempt();
      return gaps.length > 0 ? { result, retriedFor: [...new Set(gaps)].join(', ') } : { result };
    } catch (error) {
      const gap = error instanceof CdktfError ? retryableGap(error.output) : undefined;
      if (gap === undefined || gaps.length + 1 >= MAX_RUNS_FOR_RETRY_GAPS) throw error;
      gaps.push(gap.id);
      await prepare(gap);
    }
  }
}

/** Where a stack's state is read from before a retry: its text (undefined when there is none) and a name for messages. */
export interface StackStateSource {
  read(): Promise<string | undefined>;
  /** e.g. `s3://<bucket>/<key>` or a file path. */
  readonly name: string;
}

/** The state of `stack` where the sandbox keeps it: S3 for network, data and service, a local file for bootstrap. */
export function sandboxStateSource(context: SandboxContext, stack: SandboxStack): StackStateSource {
  const config = sandboxConfig(context);
  const location = stateLocationOf(config, stack);
  return { read: () => readStackState(config, stack), name: location.kind === 'local' ? location.file : `s3://${location.bucket}/${location.key}` };
}

/**
 * Does a retry gap's {@link EmulatorGap.beforeRetry} work for one stack, and notes what it did in
 * the log: `remove-untracked-items` deletes what the emulated tables hold but the stack's state
 * does not (scripts/lib/untracked-items.ts); `remove-untracked-rules` revokes what the stack's
 * groups with standalone rules hold but its state does not (scripts/lib/untracked-rules.ts), those
 * groups read from the stack's synthesized configuration in the context's output directory. Then,
 * whatever the gap, it marks for replacement (`terraform taint` in the stack's directory) what a
 * `drift-unappliable` gap would make the retry update and fail on ({@link replacedBeforeRetry}).
 * The state is read from `source`, by default where the sandbox keeps it.
 */
export async function prepareRetry(context: SandboxContext, stack: SandboxStack, gap: EmulatorGap, source: StackStateSource = sandboxStateSource(context, stack)): Promise<void> {
  const state = await source.read();
  if (gap.beforeRetry !== undefined) await removeUntracked(context, stack, gap, state, source.name);
  for (const drift of state === undefined ? [] : replacedBeforeRetry(state)) {
    for (const address of drift.addresses) terraformIn(context, stack, ['taint', address], {});
    fs.appendFileSync(context.logFile, `\n# emulator gap ${drift.gap.id}: marked for replacement by the retry${drift.addresses.map((a) => `\n#   ${a}`).join('')}\n`);
  }
}

/** The `beforeRetry` work of {@link prepareRetry}. */
async function removeUntracked(context: SandboxContext, stack: SandboxStack, gap: EmulatorGap, state: string | undefined, sourceName: string): Promise<void> {
  const config = sandboxConfig(context);
  const target = { endpoint: emulatorUrl(config.aws.endpoints), region: config.region };
  let removed: string[];
  let what: string;
  if (gap.beforeRetry === 'remove-untracked-items') {
    removed = await removeUntrackedItems(state === undefined ? [] : trackedTables(state, sourceName), target);
    what = `item(s) the tables hold`;
  } else {
    const configFile = path.join(context.outDir, 'stacks', stack, 'cdk.tf.json');
    removed = await removeUntrackedRules(state === undefined ? [] : trackedGroups(state, fs.readFileSync(configFile, 'utf8'), sourceName), target);
    what = `security group rule(s) the groups hold`;
  }
  fs.appendFileSync(
    context.logFile,
    `\n# emulator gap ${gap.id}: removed ${removed.length} ${what} but ${stack}'s state does not${removed.map((key) => `\n#   ${key}`).join('')}\n`,
  );
}

/**
 * The variables of the sandbox: the context's, with CDKTF_ENV=sandbox and the state bucket the
 * bootstrap stack creates (`<project>-sandbox-tfstate` unless CDKTF_STATE_BUCKET names one), so
 * that network, data and service keep their state in S3; CDKTF_STATE_DIR then holds bootstrap's.
 */
export function sandboxEnv(context: Pick<SandboxContext, 'env' | 'root'>, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...context.env, ...extra, CDKTF_ENV: 'sandbox' };
  if (env.CDKTF_STATE_BUCKET?.trim()) return env;
  return { ...env, CDKTF_STATE_BUCKET: defaultStateBucketName(loadConfig(env, context.root).project, 'sandbox') };
}

/** The sandbox configuration: `loadConfig` with the variables of {@link sandboxEnv}. */
export function sandboxConfig(context: Pick<SandboxContext, 'env' | 'root'>, extra: NodeJS.ProcessEnv = {}): AppConfig {
  return loadConfig(sandboxEnv(context, extra), context.root);
}

/** What Terraform said it did, from cdktf's output: the last "Apply complete!" or "Destroy complete!" line. */
export function applySummary(output: string): string {
  const plain = stripAnsi(output);
  const lines = [...plain.matchAll(/(Apply|Destroy) complete! Resources: ([^\n.]+)\./g)];
  if (lines.length > 0) return lines[lines.length - 1][2].trim();
  return /No changes\./.test(plain) ? 'no changes' : 'no summary in the output';
}

/** Terminal escape sequences removed: cdktf draws a progress display even without a TTY. */
export function stripAnsi(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '');
}

/** The managed resources recorded in one stack's state (a local file or an object of the state bucket); 0 when there is none. */
export async function stateResourceCount(config: AppConfig, stack: StateStack): Promise<number> {
  const state = await readStackState(config, stack);
  return state === undefined ? 0 : managedResourceCount(state);
}

/** The outputs of the bootstrap stack, read from its local state: the bucket and the KMS key the other stacks' backend names. */
export async function bootstrapOutputs(config: AppConfig): Promise<{ bucket: string; kmsKeyArn: string } | undefined> {
  const state = await readStackState(config, 'bootstrap');
  if (state === undefined) return undefined;
  const outputs = stateOutputValues(state);
  if (typeof outputs.state_bucket !== 'string' || typeof outputs.state_kms_key_arn !== 'string') return undefined;
  return { bucket: outputs.state_bucket, kmsKeyArn: outputs.state_kms_key_arn };
}

/**
 * Runs the project's cdktf with the context's variables, `extraEnv` and CDKTF_ENV=sandbox (no state
 * bucket unless they name one: deploySandbox and destroySandbox pass theirs); its output is appended
 * to the log file.
 */
export async function runCdktf(context: SandboxContext, args: readonly string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<{ output: string; ms: number }> {
  const cdktf = path.join(context.root, 'node_modules', '.bin', 'cdktf');
  const fullArgs = [...args, '--output', context.outDir];
  fs.mkdirSync(path.dirname(context.logFile), { recursive: true });
  fs.appendFileSync(context.logFile, `\n$ cdktf ${fullArgs.join(' ')}\n`);
  const started = performance.now();
  const child = spawn(cdktf, fullArgs, {
    cwd: context.root,
    env: withTerraformGoGc({ ...context.env, ...extraEnv, CDKTF_ENV: 'sandbox', CHECKPOINT_DISABLE: '1', FORCE_COLOR: '0', TF_IN_AUTOMATION: '1' }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const collect = (chunk: Buffer) => {
    const text = chunk.toString('utf8');
    output += text;
    fs.appendFileSync(context.logFile, stripAnsi(text));
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', resolve);
  });
  const ms = performance.now() - started;
  if (code !== 0) {
    const blocks = terraformErrors(output);
    // Without a Terraform error block (cdktf itself failed), the output's last lines say why.
    const errors = (blocks.length > 0 ? blocks : stripAnsi(output).trimEnd().split('\n').slice(-8)).map((line) => `  ${line}`);
    throw new CdktfError(
      `cdktf ${args.join(' ')} failed (exit ${code}) after ${(ms / 1000).toFixed(1)} s; full output in ${context.logFile}\n${errors.join('\n')}`,
      stripAnsi(output),
    );
  }
  return { output, ms };
}

const DEPLOY_FLAGS = ['--auto-approve', '--skip-provider-lock', '--skip-synth', '--ignore-missing-stack-dependencies'];

/** The emulator gap (scripts/lib/emulator.ts) that can keep the state bucket after the teardown. */
export const KEPT_BUCKET_GAP = 's3-versioned-bucket-empty';

const stackDirOf = (context: SandboxContext, stack: StateStack) => path.join(context.outDir, 'stacks', stack);

/**
 * Synthesizes, deploys bootstrap (the state bucket and its key; local state), synthesizes again
 * with that key as CDKTF_STATE_KMS_KEY, then `cdktf deploy` for network, data and service in that
 * order, their state in the bucket.
 */
export async function deploySandbox(context: SandboxContext, onStep: (result: StepResult) => void = () => undefined): Promise<StepResult[]> {
  const results: StepResult[] = [];
  const record = (result: StepResult) => {
    results.push(result);
    onStep(result);
  };
  const deploy = async (stack: StateStack, env: NodeJS.ProcessEnv) => {
    const started = performance.now();
    // A step that fails with a `retry` gap of the emulator (scripts/lib/emulator.ts) runs again.
    const { result, retriedFor } = await retryOnEmulatorGap(
      () => runCdktf(context, ['deploy', stack, ...DEPLOY_FLAGS], env),
      (gap) => (stack === 'bootstrap' ? Promise.resolve() : prepareRetry({ ...context, env: { ...context.env, ...env } }, stack, gap)),
    );
    record({ step: stack, ms: performance.now() - started, summary: applySummary(result.output), ...(retriedFor ? { retriedFor } : {}) });
  };

  // The bucket bootstrap creates is named before it exists, so that bootstrap and the others agree on it.
  const bucket = { CDKTF_STATE_BUCKET: sandboxEnv(context).CDKTF_STATE_BUCKET };
  const first = await runCdktf(context, ['synth'], bucket);
  const resetBootstrap = forgetOtherBackend(stackDirOf(context, 'bootstrap')) !== undefined;
  record({ step: 'synth', ms: first.ms, summary: `bootstrap${resetBootstrap ? '; re-initialised (cdktf.out held another environment)' : ''}` });
  await deploy('bootstrap', bucket);

  const outputs = await bootstrapOutputs(sandboxConfig(context));
  if (outputs === undefined) throw new Error(`the bootstrap stack's state has no state_bucket and state_kms_key_arn outputs; see ${context.logFile}`);
  const s3State = { CDKTF_STATE_BUCKET: outputs.bucket, CDKTF_STATE_KMS_KEY: outputs.kmsKeyArn };
  const second = await runCdktf(context, ['synth'], s3State);
  // A directory initialised for local state (or another bucket) must initialise again.
  const reset = SANDBOX_STACKS.filter((stack) => forgetOtherBackend(stackDirOf(context, stack)) !== undefined);
  record({
    step: 'synth s3 state',
    ms: second.ms,
    summary: `network, data, service with state in s3://${outputs.bucket}, encrypted with the bootstrap key${reset.length > 0 ? `; ${reset.join(', ')} re-initialised` : ''}`,
  });
  for (const stack of SANDBOX_STACKS) await deploy(stack, s3State);
  return results;
}

/**
 * The README's teardown of protected stacks: synthesize with CDKTF_TEARDOWN=true (protections off,
 * prevent_destroy of the state bucket and its key included), deploy that to the stacks that hold
 * protections, destroy service, data and network, empty the state bucket as far as the emulator
 * lets it, then destroy bootstrap. A bucket the emulator keeps (gap {@link KEPT_BUCKET_GAP}) is
 * dropped from bootstrap's state first, and its step says so. Stacks without resources in their
 * state are left alone.
 */
export async function destroySandbox(context: SandboxContext, onStep: (result: StepResult) => void = () => undefined): Promise<StepResult[]> {
  const config = sandboxConfig(context, { CDKTF_TEARDOWN: 'true' });
  const counts = await Promise.all(STATE_STACKS.map(async (stack) => [stack, await stateResourceCount(config, stack)] as const));
  const present = counts.filter(([, count]) => count > 0).map(([stack]) => stack);
  const results: StepResult[] = [];
  const record = (result: StepResult) => {
    results.push(result);
    onStep(result);
  };
  if (present.length === 0) return results;
  const outputs = await bootstrapOutputs(config);
  const state = outputs ? { CDKTF_STATE_BUCKET: outputs.bucket, CDKTF_STATE_KMS_KEY: outputs.kmsKeyArn } : { CDKTF_STATE_BUCKET: sandboxEnv(context).CDKTF_STATE_BUCKET };
  const teardown = { CDKTF_TEARDOWN: 'true', ...state };
  const synth = await runCdktf(context, ['synth'], teardown);
  for (const stack of present) forgetOtherBackend(stackDirOf(context, stack));
  record({ step: 'synth', ms: synth.ms, summary: 'protections off (CDKTF_TEARDOWN=true)' });
  // data holds the tables' deletion protection and prevent_destroy; service the load balancer's protection.
  // bootstrap's prevent_destroy is configuration only: the teardown synthesis above takes it away.
  for (const stack of (['data', 'service'] as const).filter((s) => present.includes(s))) {
    const started = performance.now();
    try {
      const deploy = await runCdktf(context, ['deploy', stack, ...DEPLOY_FLAGS], teardown);
      record({ step: `${stack} unprotect`, ms: deploy.ms, summary: applySummary(deploy.output) });
    } catch (error) {
      // A drift moto cannot take back (scripts/lib/emulator.ts) stops the deploy; the destroy below still works.
      const gap = error instanceof CdktfError ? unappliableDriftGap(error.output) : undefined;
      if (gap === undefined) throw error;
      record({ step: `${stack} unprotect`, ms: performance.now() - started, summary: `stood aside for the emulator gap ${gap.id}` });
    }
  }
  const destroy = async (stack: StateStack, summary = (output: string) => applySummary(output)) => {
    const started = performance.now();
    const { result, retriedFor } = await retryOnEmulatorGap(() => runCdktf(context, ['destroy', stack, ...DEPLOY_FLAGS], teardown));
    record({ step: `${stack} destroy`, ms: performance.now() - started, summary: summary(result.output), ...(retriedFor ? { retriedFor } : {}) });
  };
  for (const stack of [...SANDBOX_STACKS].reverse().filter((s) => present.includes(s))) await destroy(stack);
  if (!present.includes('bootstrap')) return results;

  const location = stateLocationOf(config, 'network');
  const bucket = location.kind === 's3' ? { endpoint: location.endpoint, region: location.region, bucket: outputs?.bucket ?? location.bucket } : undefined;
  let kept: string[] = [];
  if (bucket !== undefined) {
    const started = performance.now();
    const emptied = await emptyVersionedBucket(bucket);
    fs.appendFileSync(context.logFile, `\n# emptying s3://${bucket.bucket}: ${emptied.deleted} deleted${emptied.refused.map((r) => `\n#   refused ${r}`).join('')}\n`);
    record({
      step: 'bucket empty',
      ms: performance.now() - started,
      summary: `${emptied.deleted} object versions and delete markers deleted${emptied.refused.length > 0 ? `, ${emptied.refused.length} refused (emulator gap ${KEPT_BUCKET_GAP})` : ''}`,
    });
    if (emptied.refused.length > 0) {
      // moto will not delete them, so it will not delete the bucket: Terraform forgets it and destroys the rest.
      const list = terraformIn(context, 'bootstrap', ['state', 'list'], teardown);
      kept = bucketAddresses(list.split('\n').filter(Boolean));
      if (kept.length > 0) terraformIn(context, 'bootstrap', ['state', 'rm', ...kept], teardown);
      fs.appendFileSync(context.logFile, `\n# emulator gap ${KEPT_BUCKET_GAP}: dropped from bootstrap's state: ${kept.join(', ')}\n`);
    }
  }
  await destroy('bootstrap', (output) =>
    kept.length > 0
      ? `${applySummary(output)}; s3://${bucket?.bucket} kept (emulator gap ${KEPT_BUCKET_GAP}: ${kept.length} resources dropped from the state)`
      : applySummary(output),
  );
  if (bucket !== undefined && kept.length === 0 && (await bucketExists(bucket))) {
    throw new Error(`the state bucket s3://${bucket.bucket} still exists after bootstrap was destroyed; see ${context.logFile}`);
  }
  return results;
}

/** Runs Terraform in one stack directory with the sandbox variables; its output is appended to the log file, and an error names it. */
function terraformIn(context: SandboxContext, stack: StateStack, args: readonly string[], extraEnv: NodeJS.ProcessEnv): string {
  const dir = stackDirOf(context, stack);
  fs.appendFileSync(context.logFile, `\n$ terraform ${args.join(' ')}  (in ${dir})\n`);
  const result = spawnSync('terraform', args, { cwd: dir, encoding: 'utf8', env: { ...sandboxEnv(context, extraEnv), TF_IN_AUTOMATION: '1', CHECKPOINT_DISABLE: '1' } });
  fs.appendFileSync(context.logFile, `${result.stdout ?? ''}${result.stderr ?? ''}`);
  if (result.status !== 0) throw new Error(`terraform ${args.join(' ')} failed in ${dir}: ${result.stderr}`);
  return result.stdout;
}

/** The outputs of one deployed stack (`terraform output -json` in its directory), cross-stack plumbing left out. */
export function stackOutputs(context: SandboxContext, stack: StateStack): Record<string, unknown> {
  const dir = path.join(context.outDir, 'stacks', stack);
  const result = spawnSync('terraform', ['output', '-json'], { cwd: dir, encoding: 'utf8', env: { ...context.env, TF_IN_AUTOMATION: '1', CHECKPOINT_DISABLE: '1' } });
  if (result.status !== 0) throw new Error(`terraform output -json failed in ${dir}: ${result.stderr}`);
  const outputs = JSON.parse(result.stdout) as Record<string, { value: unknown }>;
  return Object.fromEntries(
    Object.entries(outputs)
      .filter(([name]) => !name.startsWith('cross-stack-output-'))
      .map(([name, output]) => [name, output.value]),
  );
}

/** The app container of the task definition a service runs, as the ECS API returns it. */
export interface RegisteredContainer {
  readonly taskDefinitionArn: string;
  readonly image: string;
  readonly environment: Readonly<Record<string, string>>;
  /** Names of variables ECS would inject from Secrets Manager or SSM. */
  readonly secretNames: readonly string[];
}

/** Reads the service's task definition back from the (emulated) ECS API: DescribeServices, then DescribeTaskDefinition. */
export async function registeredContainer(options: { endpoint: string; region: string; cluster: string; service: string }): Promise<RegisteredContainer> {
  const ecs = new ECSClient({
    endpoint: options.endpoint,
    region: options.region,
    credentials: { accessKeyId: 'sandbox', secretAccessKey: 'sandbox' },
    maxAttempts: 2,
  });
  try {
    const described = await ecs.send(new DescribeServicesCommand({ cluster: options.cluster, services: [options.service] }));
    const taskDefinition = described.services?.find((s) => s.status === 'ACTIVE')?.taskDefinition;
    if (!taskDefinition) throw new Error(`ECS has no active service ${options.service} in cluster ${options.cluster}`);
    const { taskDefinition: definition } = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition }));
    const container = definition?.containerDefinitions?.find((c) => c.name === CONTAINER_NAME);
    if (!container) throw new Error(`task definition ${taskDefinition} has no container "${CONTAINER_NAME}"`);
    return {
      taskDefinitionArn: taskDefinition,
      image: container.image ?? '',
      environment: Object.fromEntries((container.environment ?? []).map((v) => [v.name ?? '', v.value ?? ''])),
      secretNames: (container.secrets ?? []).map((s) => s.name ?? ''),
    };
  } finally {
    ecs.destroy();
  }
}

/**
 * The environment the service gets locally: the registered container's variables unchanged, plus
 * what the task would get from AWS instead of its definition: the DynamoDB endpoint (here the
 * emulator) and credentials (here fake ones). `port` overrides the registered PORT when given.
 */
export function localEnvironment(container: RegisteredContainer, options: { emulatorUrl: string; path: string; port?: number }): Record<string, string> {
  return {
    ...container.environment,
    ...(options.port !== undefined ? { PORT: String(options.port) } : {}),
    DYNAMODB_ENDPOINT: options.emulatorUrl,
    AWS_ACCESS_KEY_ID: 'sandbox',
    AWS_SECRET_ACCESS_KEY: 'sandbox',
    PATH: options.path,
  };
}

/** A service bundle running on this machine. */
export interface LocalService {
  readonly url: string;
  readonly process: ChildProcess;
  stop(): Promise<void>;
}

/** Builds the service bundle into `bundleDir` (what the image copies) and runs it with `env`, until `/ready` answers. */
export async function startLocalService(options: { root: string; bundleDir: string; env: Record<string, string>; logFile: string }): Promise<LocalService> {
  const build = spawnSync(process.execPath, [path.join(options.root, 'service', 'build.mjs'), '--outdir', options.bundleDir], { cwd: options.root, encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`building the service bundle failed:\n${build.stderr}`);
  const out = fs.openSync(options.logFile, 'a');
  const child = spawn(process.execPath, ['--enable-source-maps', path.join(options.bundleDir, 'server.js')], {
    cwd: options.bundleDir,
    env: options.env,
    stdio: ['ignore', out, out],
  });
  fs.closeSync(out);
  const url = `http://localhost:${options.env.PORT}`;
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  };
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the service exited with code ${child.exitCode}; see ${options.logFile}`);
    if (
      await fetch(`${url}/ready`).then(
        (r) => r.status === 200,
        () => false,
      )
    )
      break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`the service did not answer /ready within 30 s; see ${options.logFile}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { url, process: child, stop };
}

/**
 * Moves away local state files that describe an emulator which is gone (moto keeps nothing across
 * restarts, S3 objects included): bootstrap's, and any of network, data and service left from a
 * sandbox that kept their state in local files too. State in the bucket went with the emulator.
 */
export function discardStaleState(config: AppConfig): StateStack[] {
  const directory = config.bootstrap.localStateDirectory;
  const stale = STATE_STACKS.filter((stack) => {
    const file = path.join(directory, `${stack}.tfstate`);
    return fs.existsSync(file) && managedResourceCount(fs.readFileSync(file, 'utf8')) > 0;
  });
  for (const stack of stale) {
    const file = path.join(directory, `${stack}.tfstate`);
    fs.renameSync(file, `${file}.stale`);
  }
  return stale;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

function say(message: string): void {
  process.stderr.write(`[sandbox] ${message}\n`);
}

/** The line a step prints after `[sandbox] `: its name, its time and what it did (and the gap that made it run again). */
export function stepLineText(result: StepResult): string {
  return `${result.step.padEnd(17)} ${seconds(result.ms).padStart(7)}  ${result.summary}${result.retriedFor ? ` (run again: emulator gap ${result.retriedFor})` : ''}`;
}

/**
 * The steps named `steps` read back from what `npm run sandbox` or `sandbox:destroy` printed (the
 * lines of {@link stepLineText}, times to a tenth of a second), in the order they ran. Each step
 * prints one line; only its first counts, because a container's later line starts with its
 * service's name, which may be a stack's (`service`).
 */
export function stepResultsOf(output: string, steps: readonly string[]): StepResult[] {
  const results: StepResult[] = [];
  for (const line of stripAnsi(output).split('\n')) {
    const match = /^\[sandbox\] (.{17}) +(\d+\.\d) s {2}(.*?)(?: \(run again: emulator gap ([^)]+)\))?$/.exec(line);
    const step = match?.[1].trimEnd();
    if (match === null || step === undefined || !steps.includes(step) || results.some((r) => r.step === step)) continue;
    results.push({ step, ms: Number(match[2]) * 1000, summary: match[3], ...(match[4] ? { retriedFor: match[4] } : {}) });
  }
  return results;
}

function stepLine(result: StepResult): void {
  say(stepLineText(result));
}

/** Prepares the machine for Terraform (the provider mirror link, the CLI config file) and says what changed. */
async function prepareForTerraform(options: SandboxCommandOptions): Promise<void> {
  const prepared = await prepareMachineLine({ root: options.root, env: options.env });
  if (prepared !== undefined) say(prepared);
}

function requireTerraform(): void {
  const problem = terraformProblem(terraformBinary(), (bin) => {
    const r = spawnSync(bin, ['version', '-json'], { encoding: 'utf8', timeout: 10_000 });
    return { ...(r.error ? { error: r.error } : {}), stdout: r.stdout ?? '' };
  });
  if (problem !== undefined) {
    throw new Error(
      `${problem.split('\n')[0]}\nInstall Terraform 1.11.x (1.10 or newer) from https://developer.hashicorp.com/terraform/install and put it on PATH: the sandbox deploys every stack with it.`,
    );
  }
}

/** Options of the two commands, so that tests can run them in isolation. */
export interface SandboxCommandOptions {
  readonly root: string;
  readonly env: NodeJS.ProcessEnv;
  /**
   * Its own, so that it never takes over `cdktf.out`, which `npm start` and the plain CLI use: a
   * stack directory serves one backend, and Terraform refuses another ("Backend configuration changed").
   * @default `<root>/.local/sandbox/cdktf.out`
   */
  readonly outDir?: string;
  /** @default `<root>/.local/sandbox` */
  readonly logDir?: string;
  /** Looks up moto_server (tests inject a missing one). @default runs `moto_server --help` */
  readonly lookup?: (binary: string) => BinaryCheck;
}

function contextOf(options: SandboxCommandOptions): SandboxContext & { logDir: string } {
  const logDir = options.logDir ?? path.join(options.root, '.local', 'sandbox');
  return { root: options.root, env: options.env, outDir: options.outDir ?? path.join(logDir, 'cdktf.out'), logFile: path.join(logDir, 'sandbox.log'), logDir };
}

async function up(options: SandboxCommandOptions): Promise<void> {
  const started = performance.now();
  requireTerraform();
  const context = contextOf(options);
  const config = sandboxConfig(context);
  const url = emulatorUrl(config.aws.endpoints);
  const cleanups: (() => Promise<void>)[] = [];
  let stopping = false;
  const stopAll = async (code: number): Promise<never> => {
    stopping = true;
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
    if (cleanups.length > 0) say('stopped');
    process.exit(code);
  };
  // `on`, not `once`: Ctrl-C reaches this process twice (from the terminal and relayed by npm), and the
  // second must not end it before the containers and the engine are stopped.
  const onSignal = () => void (stopping ? undefined : stopAll(0));
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  try {
    await prepareForTerraform(options);
    const motoStarted = performance.now();
    const moto: Moto = await ensureMoto({ port: Number(new URL(url).port), logFile: path.join(context.logDir, 'moto.log'), lookup: options.lookup });
    cleanups.push(() => moto.stop());
    say(`${'moto'.padEnd(17)} ${seconds(performance.now() - motoStarted).padStart(7)}  ${moto.started ? `started on ${url}` : `reusing the server on ${url}`}`);
    fs.mkdirSync(context.logDir, { recursive: true });
    fs.writeFileSync(context.logFile, `npm run sandbox, ${new Date().toISOString()}\n`);
    if (moto.started) {
      const stale = discardStaleState(config);
      if (stale.length > 0) say(`a new emulator holds nothing, no state bucket either: local state of ${stale.join(', ')} moved to <stack>.tfstate.stale`);
    }

    // With an engine, the image is built and pushed first, and the deploy names its digest (scripts/sandbox-containers.ts).
    const runtime = await prepareSandboxRuntime({ root: options.root, env: options.env, workDir: context.logDir, say });
    cleanups.push(() => runtime.stop());
    const deployed = { ...context, env: { ...context.env, ...runtime.deployEnv } };
    say(`${'runtime'.padEnd(17)} ${runtime.runtime === 'container' ? 'containers' : `the bundle: ${runtime.reason}`}`);

    say(
      `deploying bootstrap, then network, data, service with their state in its bucket, with cdktf into ${path.relative(options.root, context.outDir)} (full output: ${path.relative(options.root, context.logFile)})`,
    );
    const steps = await deploySandbox(deployed, stepLine);
    const deployMs = steps.filter((s) => !s.step.startsWith('synth')).reduce((sum, s) => sum + s.ms, 0);
    say(`${'deployed'.padEnd(17)} ${seconds(deployMs).padStart(7)}  ${steps.map((s) => `${s.step} ${seconds(s.ms)}`).join(', ')}`);
    if (stopping) return;

    const data = stackOutputs(context, 'data');
    const service = stackOutputs(context, 'service');
    say(`service_url        ${String(service.service_url)}  (emulated: nothing listens there)`);
    say(`cluster            ${String(service.cluster_name)}, service ${String(service.service_name)}`);
    say(`tables             ${['category', 'resource', 'bookmark'].map((t) => String(data[`${t}_table_name`])).join(', ')}`);

    const container = await registeredContainer({ endpoint: url, region: config.region, cluster: String(service.cluster_name), service: String(service.service_name) });
    say(
      `task definition    ${container.taskDefinitionArn.split('/').pop()}: ${Object.keys(container.environment).length} variables, CATEGORY_TABLE=${container.environment.CATEGORY_TABLE}`,
    );
    if (container.secretNames.length > 0 && runtime.runtime === 'bundle')
      say(`note: ${container.secretNames.join(', ')} come from secrets ECS would inject; they are not set locally`);

    const port = options.env.PORT?.trim() ? Number(options.env.PORT) : undefined;
    if (runtime.runtime === 'container') {
      const running = await runtime.run({ endpoint: url, config: sandboxConfig(deployed), outputs: service, port, logDir: context.logDir, say });
      cleanups.push(() => running.stop());
      const first = running.containers[0];
      const table = first.task.container.environment?.find((e) => e.name === 'CATEGORY_TABLE')?.value;
      const served = table ? `  (${((await (await fetch(`${first.url}/api/categories`)).json()) as { items: unknown[] }).items.length} categories from ${table})` : '';
      say(`ready in ${seconds(performance.now() - started)}: open ${first.url}, served by a container of ${runtime.pushed.digestReference}${served}`);
      say(
        `Ctrl-C stops the containers${moto.started ? ' and moto (the emulated resources go with it)' : ''}; npm run sandbox:destroy in another terminal tears the stacks down first`,
      );
      running.watch((c, code) => {
        if (stopping) return;
        say(`the container ${c.container.name} exited unexpectedly (code ${code}); its log is saved to ${context.logDir}`);
        void stopAll(code || 1);
      });
      return;
    }
    const env = localEnvironment(container, { emulatorUrl: url, path: options.env.PATH ?? '', port });
    const local = await startLocalService({ root: options.root, bundleDir: path.join(options.root, 'service', 'dist'), env, logFile: path.join(context.logDir, 'service.log') });
    cleanups.push(() => local.stop());
    const categories = (await (await fetch(`${local.url}/api/categories`)).json()) as { items: unknown[] };
    say(
      `ready in ${seconds(performance.now() - started)}: open ${local.url}, the bundle (${runtime.reason})  (${categories.items.length} categories from ${container.environment.CATEGORY_TABLE})`,
    );
    say(`Ctrl-C stops the service${moto.started ? ' and moto (the emulated resources go with it)' : ''}; npm run sandbox:destroy in another terminal tears the stacks down first`);
    local.process.once('exit', (code) => {
      if (!stopping) {
        say(`the service exited unexpectedly (code ${code}); see ${path.join(context.logDir, 'service.log')}`);
        void stopAll(code ?? 1);
      }
    });
  } catch (error) {
    say(`failed: ${error instanceof Error ? error.message : String(error)}`);
    await stopAll(1);
  }
}

async function destroy(options: SandboxCommandOptions): Promise<void> {
  requireTerraform();
  await prepareForTerraform(options);
  const context = contextOf(options);
  fs.mkdirSync(context.logDir, { recursive: true });
  fs.appendFileSync(context.logFile, `\nnpm run sandbox:destroy, ${new Date().toISOString()}\n`);
  const config = sandboxConfig(context);
  const url = emulatorUrl(config.aws.endpoints);
  if (!(await isMotoRunning(url))) {
    // moto keeps nothing across restarts: without a server, nothing of ours exists to destroy.
    const stale = discardStaleState(config);
    say(`no moto server answers on ${url}, so nothing of ours exists${stale.length > 0 ? `; state of ${stale.join(', ')} moved to <stack>.tfstate.stale` : ''}`);
    return;
  }
  say(`tearing down on ${url}: protections off, deploy, destroy, state bucket emptied, bootstrap last (full output: ${path.relative(options.root, context.logFile)})`);
  const started = performance.now();
  const steps = await destroySandbox(context, stepLine);
  say(steps.length === 0 ? 'nothing to destroy: every stack state is empty' : `destroyed in ${seconds(performance.now() - started)}`);
}

runAsScript(module, async () => {
  // The SDK's notice that its 2027 releases need Node 22 would break the one-line-per-step output.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const options: SandboxCommandOptions = { root: path.resolve(__dirname, '..'), env: process.env };
  const command = process.argv[2] ?? 'up';
  if (command === 'up') return up(options);
  if (command === 'destroy') return destroy(options);
  throw new Error(`scripts/sandbox.ts: unknown command "${command}"; use up (npm run sandbox) or destroy (npm run sandbox:destroy)`);
});
