/**
 * State in S3 on the emulated AWS, with the backend the sandbox's stacks synthesize (lock file,
 * encryption, moto's endpoint): two deploys of one tiny stack at once, and the history the
 * versioned bucket keeps. The stack holds only `terraform_data`, so no provider and no emulated
 * service but S3 is involved; a provisioner that sleeps keeps the first deploy holding the lock.
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, TerraformStack } from 'cdktf';
import { addS3Backend, s3BackendProps } from '../../stacks/base-stack';
import { loadConfig } from '../../stacks/settings/config';
import { awsCliEnv, startMoto, type MotoServer } from '../support/moto-server';

const ROOT = path.resolve(__dirname, '../..');
const BUCKET = 'bookmarks-sandbox-tfstate';
const KEY = 'bookmarks/sandbox/tiny.tfstate';
const TERRAFORM_ENV = { ...process.env, TF_IN_AUTOMATION: '1', TF_INPUT: '0', CHECKPOINT_DISABLE: '1', NO_COLOR: '1' };

let moto: MotoServer;
let work: string;
let region: string;

/** A stack directory of the tiny stack: the sandbox's S3 backend, one `terraform_data` whose input is `marker`, `sleepSeconds` in its create. */
function writeStack(name: string, marker: string, sleepSeconds: number): string {
  const config = loadConfig({ CDKTF_ENV: 'sandbox', MOTO_PORT: String(moto.port), CDKTF_STATE_BUCKET: BUCKET }, ROOT);
  if (config.backend.kind !== 's3') throw new Error('expected an S3 backend');
  const app = new App({ outdir: path.join(work, `${name}-out`) });
  const stack = new TerraformStack(app, 'tiny');
  addS3Backend(stack, s3BackendProps(config.backend, KEY, config.aws));
  stack.addOverride('resource.terraform_data.marker', {
    input: marker,
    triggers_replace: [marker],
    provisioner: [{ 'local-exec': { command: `sleep ${sleepSeconds}` } }],
  });
  app.synth();
  const dir = path.join(app.outdir, 'stacks', 'tiny');
  const init = spawnSync('terraform', ['init', '-no-color'], { cwd: dir, encoding: 'utf8', env: TERRAFORM_ENV });
  if (init.status !== 0) throw new Error(`terraform init failed in ${dir}: ${init.stdout}${init.stderr}`);
  return dir;
}

/** `terraform apply -auto-approve` in `dir`, as a running process and the promise of its exit and output. */
function startApply(dir: string): { running: () => boolean; done: Promise<{ code: number | null; output: string }> } {
  const child = spawn('terraform', ['apply', '-auto-approve', '-no-color'], { cwd: dir, env: TERRAFORM_ENV });
  let output = '';
  let exited = false;
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const done = new Promise<{ code: number | null; output: string }>((resolve) =>
    child.once('close', (code) => {
      exited = true;
      resolve({ code, output });
    }),
  );
  return { running: () => !exited, done };
}

/** The versions of the state object, newest first. */
function stateVersions(): { VersionId: string; IsLatest: boolean }[] {
  const answer = awsCli<{ Versions?: { VersionId: string; IsLatest: boolean; Key: string }[] }>(moto, region, [
    's3api',
    'list-object-versions',
    '--bucket',
    BUCKET,
    '--prefix',
    KEY,
  ]);
  return (answer.Versions ?? []).filter((v) => v.Key === KEY);
}

/** One version of the state object, fetched with the AWS CLI. */
function stateVersion(versionId: string): { serial: number; resources: { type: string; instances: { attributes: { input: { value: string } } }[] }[] } {
  const file = path.join(work, `state-${versionId}.json`);
  awsCli(moto, region, ['s3api', 'get-object', '--bucket', BUCKET, '--key', KEY, '--version-id', versionId, file]);
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

async function waitFor(condition: () => boolean, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'state-sandbox-'));
  moto = await startMoto();
  region = loadConfig({ CDKTF_ENV: 'sandbox' }, ROOT).region;
  // The bucket as the bootstrap stack makes it, in what matters here: versioned.
  awsCli(moto, region, ['s3api', 'create-bucket', '--bucket', BUCKET, '--create-bucket-configuration', `LocationConstraint=${region}`]);
  awsCli(moto, region, ['s3api', 'put-bucket-versioning', '--bucket', BUCKET, '--versioning-configuration', 'Status=Enabled']);
});

afterAll(async () => {
  await moto?.stop();
});

describe('two deploys of one stack at once', () => {
  let first: { code: number | null; output: string };
  let second: { code: number | null; output: string };
  let firstWasRunning = false;

  beforeAll(async () => {
    const slow = writeStack('first', 'v1', 12);
    const other = writeStack('second', 'v1', 0);
    const apply = startApply(slow);
    // The first holds the lock once its lock file is in the bucket.
    await waitFor(
      () => spawnSync('aws', ['--endpoint-url', moto.endpoint, 's3api', 'head-object', '--bucket', BUCKET, '--key', `${KEY}.tflock`], { env: awsEnv() }).status === 0,
      'the lock file',
    );
    second = await startApply(other).done;
    firstWasRunning = apply.running();
    first = await apply.done;
  }, 180_000);

  it('fails the second at once with the lock error naming who holds the lock', () => {
    expect(second.code).not.toBe(0);
    expect(second.output).toContain('Error acquiring the state lock');
    expect(second.output).toMatch(/Who:\s+\S+@\S+/);
    expect(second.output).toContain(`Path:      ${BUCKET}/${KEY}`);
    expect(firstWasRunning).toBe(true);
  });

  it('lets the first complete, leaving no lock behind', () => {
    expect([first.code, first.output]).toEqual([0, expect.stringContaining('Apply complete! Resources: 1 added, 0 changed, 0 destroyed.')]);
    expect(spawnSync('aws', ['--endpoint-url', moto.endpoint, 's3api', 'head-object', '--bucket', BUCKET, '--key', `${KEY}.tflock`], { env: awsEnv() }).status).not.toBe(0);
  });

  it('loses nothing: one state version, with the resource the first created', () => {
    const versions = stateVersions();
    expect(versions).toHaveLength(1);
    const state = stateVersion(versions[0].VersionId);
    expect(state.resources.map((r) => [r.type, r.instances[0].attributes.input.value])).toEqual([['terraform_data', 'v1']]);
    expect(state.serial).toBeGreaterThanOrEqual(1);
  });
});

describe('the history of the state', () => {
  it('keeps the previous version, which the AWS CLI lists and fetches', async () => {
    const before = stateVersions();
    const changed = await startApply(writeStack('third', 'v2', 0)).done;
    expect(changed.code).toBe(0);
    const versions = stateVersions();
    expect(versions).toHaveLength(before.length + 1);
    const previous = versions.find((v) => !v.IsLatest && v.VersionId === before[0].VersionId);
    expect(previous).toBeDefined();
    const [old, current] = [stateVersion(previous!.VersionId), stateVersion(versions.find((v) => v.IsLatest)!.VersionId)];
    expect(old.resources[0].instances[0].attributes.input.value).toBe('v1');
    expect(current.resources[0].instances[0].attributes.input.value).toBe('v2');
    expect(current.serial).toBeGreaterThan(old.serial);
  }, 120_000);

  it('lists the resource through the S3 backend with terraform state list', () => {
    const list = spawnSync('terraform', ['state', 'list'], { cwd: path.join(work, 'third-out', 'stacks', 'tiny'), encoding: 'utf8', env: TERRAFORM_ENV });
    expect([list.status, list.stdout.trim()]).toEqual([0, 'terraform_data.marker']);
  });
});

function awsEnv(): NodeJS.ProcessEnv {
  return awsCliEnv(region);
}

/** `aws s3api ...` against the suite's moto: its JSON answer, or undefined for a call that answers nothing (put-bucket-versioning). */
function awsCli<T>(_server: MotoServer, _region: string, args: string[]): T {
  const result = spawnSync('aws', ['--endpoint-url', moto.endpoint, ...args, '--output', 'json'], { encoding: 'utf8', env: awsEnv() });
  if (result.status !== 0) throw new Error(`aws ${args.join(' ')} failed (exit ${result.status}): ${result.stderr}`);
  return (result.stdout.trim() === '' ? undefined : JSON.parse(result.stdout)) as T;
}
