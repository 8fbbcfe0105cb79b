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
import { createHash, createHmac } from 'node:crypto';
import * as path from 'node:path';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentity, Checksum, SourceData } from '@smithy/types';
import type { AppConfig } from '../stacks/settings/config';
import { loadConfig } from '../stacks/settings/config';
import { prepareMachineLine } from './prepare-machine';
import { runAsScript } from './run-as-script';
import { bootstrapOutputs, bucketProblem, type HeadBucketAnswer, settingsLines } from './lib/state-bucket-check';

const ROOT = path.resolve(__dirname, '..');

function say(message: string): void {
  process.stderr.write(`[bootstrap] ${message}\n`);
}

/** SHA-256 (keyed: HMAC) from node:crypto, in the shape the request signer takes. */
class NodeSha256 implements Checksum {
  private readonly hash;
  constructor(secret?: SourceData) {
    this.hash = secret === undefined ? createHash('sha256') : createHmac('sha256', toBuffer(secret));
  }
  update(data: Uint8Array | string): void {
    this.hash.update(toBuffer(data));
  }
  digest(): Promise<Uint8Array> {
    return Promise.resolve(new Uint8Array(this.hash.digest()));
  }
  reset(): void {
    throw new Error('not used by the signer');
  }
}
const toBuffer = (data: SourceData): Buffer => (typeof data === 'string' ? Buffer.from(data, 'utf8') : Buffer.from(data as Uint8Array));

/** Where S3 answers for the bucket: the emulator's endpoint (path style) or the region's. */
function bucketUrl(config: AppConfig, bucket: string, region: string): URL {
  const endpoint = config.aws.endpoints.s3;
  return endpoint !== undefined ? new URL(`${endpoint.replace(/\/$/, '')}/${bucket}`) : new URL(`https://${bucket}.s3.${region}.amazonaws.com/`);
}

/** HeadBucket, signed with the usual credential chain (fixed fake ones on the emulator). */
export async function headBucket(config: AppConfig, bucket: string, region: string): Promise<HeadBucketAnswer> {
  const url = bucketUrl(config, bucket, region);
  const credentials: AwsCredentialIdentity = config.aws.offline ? { accessKeyId: 'offline', secretAccessKey: 'offline' } : await defaultProvider()();
  const signer = new SignatureV4({ service: 's3', region, credentials, sha256: NodeSha256 });
  const signed = await signer.sign({
    method: 'HEAD',
    protocol: url.protocol,
    hostname: url.hostname,
    port: url.port ? Number(url.port) : undefined,
    path: url.pathname,
    query: {},
    headers: { host: url.host, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' },
  });
  const response = await fetch(url, { method: 'HEAD', headers: signed.headers, redirect: 'manual', signal: AbortSignal.timeout(15_000) });
  return { status: response.status, bucketRegion: response.headers.get('x-amz-bucket-region') ?? undefined };
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
