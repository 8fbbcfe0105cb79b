/**
 * `npm run bootstrap`: deploys the `bootstrap` stack of the environment `CDKTF_ENV` names (the
 * state bucket, its KMS key, and the CI role when `CDKTF_CI_REPOSITORY` is set), then prints the
 * variables every other stack's deploy needs. Terraform asks before it applies unless
 * `-- --auto-approve` is given.
 *
 * `npm run bootstrap -- --check`: asks S3 whether the configured state bucket (`CDKTF_STATE_BUCKET`)
 * exists and these credentials may use it, and says what to do when not, before any Terraform runs.
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { HeadBucketCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import type { AppConfig } from '../stacks/settings/config';
import { loadConfig } from '../stacks/settings/config';
import { prepareMachineLine } from './prepare-machine';
import { runAsScript } from './run-as-script';
import { bootstrapOutputs, bucketProblem, type HeadBucketAnswer, settingsLines } from './lib/state-bucket-check';

const ROOT = path.resolve(__dirname, '..');

function say(message: string): void {
  process.stderr.write(`[bootstrap] ${message}\n`);
}

/**
 * HeadBucket with the usual credential chain (fixed fake ones and path-style addressing on the
 * emulator); an error answer becomes its status and the region S3 names, as a success does.
 */
export async function headBucket(config: AppConfig, bucket: string, region: string): Promise<HeadBucketAnswer> {
  const endpoint = config.aws.endpoints.s3;
  const s3 = new S3Client({
    region,
    maxAttempts: 1,
    ...(endpoint !== undefined ? { endpoint, forcePathStyle: true } : {}),
    ...(config.aws.offline ? { credentials: { accessKeyId: 'offline', secretAccessKey: 'offline' } } : {}),
  });
  try {
    const answer = await s3.send(new HeadBucketCommand({ Bucket: bucket }), { abortSignal: AbortSignal.timeout(15_000) });
    return { status: answer.$metadata.httpStatusCode ?? 200, ...(answer.BucketRegion ? { bucketRegion: answer.BucketRegion } : {}) };
  } catch (error) {
    if (!(error instanceof S3ServiceException) || error.$metadata.httpStatusCode === undefined) throw error;
    const bucketRegion = (error.$response?.headers ?? {})['x-amz-bucket-region'];
    return { status: error.$metadata.httpStatusCode, ...(bucketRegion ? { bucketRegion } : {}) };
  } finally {
    s3.destroy();
  }
}

/** The state bucket of `config`, checked; an error that says what to do when it is missing or not ours. */
export async function checkStateBucket(config: AppConfig): Promise<string> {
  if (config.backend.kind !== 's3') {
    throw new Error(
      `CDKTF_STATE_BUCKET is not set, so ${config.environment} keeps its state in local files (${config.backend.directory}); run npm run bootstrap and set what it prints`,
    );
  }
  const { bucket, region } = config.backend;
  const answer = await headBucket(config, bucket, region).catch((error: unknown) => {
    throw new Error(`CDKTF_STATE_BUCKET: S3 could not be reached for "${bucket}" in ${region}: ${error instanceof Error ? error.message : String(error)}`);
  });
  const problem = bucketProblem(bucket, region, answer);
  if (problem !== undefined) throw new Error(problem);
  return `the state bucket ${bucket} (${region}) is there and these credentials may use it`;
}

/** `cdktf deploy bootstrap` in the terminal, Terraform's prompt included; its output goes to stderr, so stdout holds only the settings. */
function deployBootstrap(autoApprove: boolean): void {
  const cdktf = path.join(ROOT, 'node_modules', '.bin', 'cdktf');
  const result = spawnSync(cdktf, ['deploy', 'bootstrap', ...(autoApprove ? ['--auto-approve'] : [])], { cwd: ROOT, stdio: [0, 2, 2], env: process.env });
  if (result.status !== 0) throw new Error(`cdktf deploy bootstrap failed (exit ${result.status}); nothing else was changed`);
}

/** The bootstrap stack's outputs, read from its state. */
function readOutputs(): string {
  const dir = path.join(ROOT, 'cdktf.out', 'stacks', 'bootstrap');
  const result = spawnSync('terraform', ['output', '-json'], { cwd: dir, encoding: 'utf8', env: { ...process.env, TF_IN_AUTOMATION: '1' } });
  if (result.status !== 0) throw new Error(`terraform output -json failed in ${dir}: ${result.stderr}`);
  return result.stdout;
}

runAsScript(module, async () => {
  // The SDK's notice that its 2027 releases need Node 22 would come before the check's one line.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const args = process.argv.slice(2);
  const prepared = await prepareMachineLine({ root: ROOT, env: process.env });
  if (prepared !== undefined) say(prepared);
  const config = loadConfig(process.env, ROOT);
  if (config.environment === 'local') {
    throw new Error('[bootstrap] failed: CDKTF_ENV=local has no bootstrap stack (its state stays in local files); set CDKTF_ENV=dev, prod or sandbox');
  }
  if (args.includes('--check')) {
    say(await checkStateBucket(config));
    return;
  }
  deployBootstrap(args.includes('--auto-approve'));
  say('the other stacks need these variables (eval them, or put them in the pipeline):');
  for (const line of settingsLines(bootstrapOutputs(readOutputs()))) process.stdout.write(`${line}\n`);
});
