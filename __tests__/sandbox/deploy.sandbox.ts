/**
 * The whole blueprint on the emulated AWS, the way `npm run sandbox` deploys it with the project's
 * Docker engine: the service image built and pushed to a loopback registry, its own moto on a free
 * port, its own state and cdktf output directories, bootstrap (the state bucket and its key) then
 * the three stacks applied once by `cdktf deploy`, their state in that bucket, with the task
 * definition naming the pushed digest, then re-plans, the state through the S3 backend, cross-stack
 * values, the service run as a container of its registered task definition, and the README's teardown. The provider
 * waits about 60 s for the load balancer, so this file takes a few minutes: it runs under
 * `npm run test:sandbox`, not `npm test`. The logs of the last run are kept in .local/sandbox-test/.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import {
  sandboxConfig,
  deploySandbox,
  destroySandbox,
  registeredContainer,
  stackOutputs,
  stripAnsi,
  type RegisteredContainer,
  type SandboxContext,
  type StepResult,
} from '../../scripts/sandbox';
import { prepareSandboxRuntime, type ContainerRuntime, type RunningContainers, type SandboxContainer } from '../../scripts/sandbox-containers';
import { sandboxContainerEnvironment } from '../../scripts/lib/sandbox-containers';
import type { Moto } from '../../scripts/moto';
import { physicalName } from '../../stacks/lib/naming';
import { EXPECTED_REPLAN_DRIFTS } from '../../scripts/lib/emulator';
import { loadSeedData } from '../../stacks/seed';
import { freePort } from '../support/moto-server';
import { requireTerraform, terraform } from '../../scripts/lib/terraform';
import { emulatedS3, stateLocationOf } from '../../scripts/lib/sandbox-state';
import { TfDocument, type TfJson } from '../../stacks/lib/tf-json';
import { inventory, keptByTeardown, requireAwsCli, type Inventory } from './inventory';
import { expectedFirstApply, firstApplySummaries, keepLogsAndClean, startSandboxSuite, stateBucketOf, stateCounts, stateResources } from './suite';
import { replan, type Drift } from './replan';

jest.setTimeout(15 * 60_000);
// The SDK's notice that its 2027 releases need Node 22 says nothing about this suite.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const ROOT = path.join(__dirname, '..', '..');

let work: string;
let moto: Moto;
let context: SandboxContext;
let deployed: StepResult[];
let container: RegisteredContainer;
let runtime: ContainerRuntime;
let running: RunningContainers;
let service: SandboxContainer;
let port: number;
let before: Inventory;
/** Scratch space of the runtime: the registry's storage. */
const runtimeDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sandbox-runtime-'));
/** The runtime's lines, with their times. */
const said: string[] = [];
const say = (line: string) => void said.push(line);
/** The times of the applies and of the teardown, printed at the end for the record. */
const timings: string[] = [];
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/**
 * GET on a new connection: the service was started minutes earlier, and a pooled keep-alive socket
 * may be closed by the server (keepAliveTimeout 65 s) at the moment fetch reuses it.
 */
function get(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent: false }, (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (body += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
      })
      .on('error', reject);
  });
}

const stackDir = (stack: string) => path.join(context.outDir, 'stacks', stack);
const config = () => sandboxConfig(context);
const inventoryOptions = () => ({ endpoint: moto.url, region: config().region, namePrefix: physicalName(config()), tags: config().tags });
/** Values of one stack's state (`terraform show -json`), by resource address. */
const stateValues = (stack: 'data' | 'service') => new Map(stateResources(context, stack).map((r) => [r.address, r.values]));

beforeAll(async () => {
  requireTerraform();
  requireAwsCli();
  // Given the image built and pushed, as npm run sandbox does when it has an engine
  const prepared = await prepareSandboxRuntime({
    root: ROOT,
    env: { ...process.env, SANDBOX_RUNTIME: 'container', CDKTF_SERVICES_FILE: '' },
    workDir: runtimeDir,
    say,
    registryDir: path.join(runtimeDir, 'registry'),
    registryPort: await freePort(),
  });
  if (prepared.runtime !== 'container') throw new Error(`the sandbox runtime is ${prepared.runtime}: ${prepared.reason}`);
  runtime = prepared;
  // When the stacks are deployed naming its digest, and the service runs from its registered task definition
  ({ work, moto, context } = await startSandboxSuite(ROOT, 'sandbox-', () => ({ ...runtime.deployEnv })));
  deployed = await deploySandbox(context);
  timings.push(`deploy: ${deployed.map((s) => `${s.step} ${seconds(s.ms)}`).join(', ')}`);
  const outputs = stackOutputs(context, 'service');
  container = await registeredContainer({ endpoint: moto.url, region: config().region, cluster: String(outputs.cluster_name), service: String(outputs.service_name) });
  port = await freePort();
  running = await runtime.run({ endpoint: moto.url, config: config(), outputs, port, logDir: work, say });
  service = running.containers[0];
  before = await inventory(inventoryOptions());
});

afterAll(async () => {
  await running?.stop();
  await runtime?.stop();
  await moto?.stop();
  fs.rmSync(runtimeDir, { recursive: true, force: true });
  process.stderr.write(`\n[deploy.sandbox] ${[...said, ...timings].join('\n[deploy.sandbox] ')}\n`);
  if (!work) return;
  fs.writeFileSync(path.join(work, 'containers.log'), `${said.join('\n')}\n`);
  keepLogsAndClean(ROOT, work, ['sandbox.log', 'moto.log', 'containers.log', ...(service ? [`${service.container.name}.log`] : [])]);
});

/** Runs a node script inside the service's container, as its user; resolves with what it printed. */
async function inContainer(script: string): Promise<string> {
  const result = await service.container.exec(['node', '-e', script]);
  if (result.code !== 0) throw new Error(`node -e in the container failed (${result.code}): ${result.stderr}`);
  return result.stdout;
}

describe('sandbox: the three stacks on the emulated AWS', () => {
  it('applies every synthesized resource of bootstrap, network, data and service', async () => {
    expect(await firstApplySummaries(context, deployed)).toEqual(expectedFirstApply(context));
  });

  it('re-plans the bootstrap stack with exactly the emulator drifts of scripts/lib/emulator.ts (none)', () => {
    const expected = EXPECTED_REPLAN_DRIFTS.filter((d) => d.stack === 'bootstrap').map(({ path: p, type, actions, attributes }) => ({
      path: p,
      type,
      actions: [...actions],
      attributes: [...attributes].sort(),
    }));
    expect(replan(stackDir('bootstrap'))).toEqual(expected);
  });

  it("lists the service stack's resources with terraform state list through the S3 backend, as synthesized", () => {
    const listed = terraform(stackDir('service'), ['state', 'list'])
      .stdout.split('\n')
      .filter((line) => line !== '' && !line.startsWith('data.'));
    // An instance of count or for_each is listed with its index; the synthesized JSON names the resource once.
    const resources = [...new Set(listed.map((address) => address.replace(/\[[^\]]*\]$/, '')))].sort();
    const synthesized = new TfDocument(JSON.parse(fs.readFileSync(path.join(stackDir('service'), 'cdk.tf.json'), 'utf8')) as TfJson)
      .resources()
      .filter((r) => r.mode === 'resource');
    const shown = stripAnsi(terraform(stackDir('service'), ['state', 'show', listed[0]]).stdout);
    expect([resources, shown.includes(`# ${listed[0]}:`)]).toEqual([synthesized.map((r) => r.address).sort(), true]);
  });

  it("keeps each app stack's state as an object of the bootstrap bucket encrypted with the bootstrap key, and no lock file once done", async () => {
    const kmsKeyArn = String(stackOutputs(context, 'bootstrap').state_kms_key_arn);
    const s3 = emulatedS3(moto.url, config().region);
    try {
      const head = async (key: string) =>
        s3.send(new HeadObjectCommand({ Bucket: stateBucketOf(config()), Key: key })).then(
          (h) => [h.ServerSideEncryption, h.SSEKMSKeyId],
          (error: Error) => error.name,
        );
      const keys = (['network', 'data', 'service'] as const).map((stack) => stateLocationOf(config(), stack)).map((l) => (l.kind === 's3' ? l.key : l.file));
      const objects = await Promise.all(keys.map((key) => head(key)));
      const locks = await Promise.all(keys.map((key) => head(`${key}.tflock`)));
      expect([keys, objects, locks]).toEqual([
        ['bookmarks/sandbox/network.tfstate', 'bookmarks/sandbox/data.tfstate', 'bookmarks/sandbox/service.tfstate'],
        keys.map(() => ['aws:kms', kmsKeyArn]),
        keys.map(() => 'NotFound'),
      ]);
    } finally {
      s3.destroy();
    }
  });

  it('re-plans the network stack with no changes', () => {
    expect(replan(stackDir('network'))).toEqual([]);
  });

  it('re-plans the data stack with no changes', () => {
    expect(replan(stackDir('data'))).toEqual([]);
  });

  it('reads the tables back with point-in-time recovery, KMS encryption and deletion protection', () => {
    const tables = [...stateValues('data').entries()].filter(([address]) => address.startsWith('aws_dynamodb_table.'));
    const protections = tables.map(([, t]) => [
      (t.point_in_time_recovery as { enabled: boolean }[])[0]?.enabled,
      (t.server_side_encryption as { enabled: boolean }[])[0]?.enabled,
      t.deletion_protection_enabled,
    ]);
    expect(protections).toEqual([
      [true, true, true],
      [true, true, true],
      [true, true, true],
    ]);
  });

  it('re-plans the service stack with exactly the emulator drifts of scripts/lib/emulator.ts', () => {
    const expected: Drift[] = EXPECTED_REPLAN_DRIFTS.filter((d) => d.stack === 'service')
      .map(({ path: p, type, actions, attributes }) => ({ path: p, type, actions: [...actions], attributes: [...attributes].sort() }))
      .sort((a, b) => a.path.localeCompare(b.path));
    expect(replan(stackDir('service'))).toEqual(expected);
  });

  it('reads in the service stack every cross-stack output with the value its producer wrote', () => {
    const synthesized = fs.readFileSync(path.join(stackDir('service'), 'cdk.tf.json'), 'utf8');
    const reads = [...new Set([...synthesized.matchAll(/data\.terraform_remote_state\.cross-stack-reference-input-(\w+)\.outputs\.([\w-]+)/g)].map((m) => `${m[1]} ${m[2]}`))];
    const consumed = stateValues('service');
    const mismatches = reads.flatMap((read) => {
      const [producer, output] = read.split(' ');
      const written = JSON.parse(terraform(stackDir(producer), ['output', '-json', output]).stdout) as unknown;
      const seen = (consumed.get(`data.terraform_remote_state.cross-stack-reference-input-${producer}`)?.outputs as Record<string, unknown>)[output];
      return written !== null && JSON.stringify(seen) === JSON.stringify(written) ? [] : [{ producer, output, written, seen }];
    });
    // Network: the VPC, four subnets and the alarm topic; data: each table's name and ARN.
    expect([reads.length, mismatches]).toEqual([12, []]);
  });

  it('registers the task definition with the table names of the data stack and runs the ECS service in the private subnets', () => {
    const data = stackOutputs(context, 'data');
    const network = stackOutputs(context, 'network');
    const ecsService = [...stateValues('service').entries()].find(([address]) => address.startsWith('aws_ecs_service.'))?.[1];
    const subnets = (ecsService?.network_configuration as { subnets: string[] }[])[0].subnets;
    expect([container.environment.CATEGORY_TABLE, container.environment.RESOURCE_TABLE, container.environment.BOOKMARK_TABLE, [...subnets].sort()]).toEqual([
      data.category_table_name,
      data.resource_table_name,
      data.bookmark_table_name,
      [...(network.private_subnet_ids as string[])].sort(),
    ]);
  });

  it('registers exactly the pushed digest as the task image, and runs that image', async () => {
    const state = await service.container.state();
    expect([container.image, state.image]).toEqual([runtime.pushed.digestReference, runtime.image.id]);
  });

  it('runs the container with the registered environment plus only the emulator endpoints, credentials and the moved port', async () => {
    const env = Object.fromEntries(JSON.parse(await inContainer('process.stdout.write(JSON.stringify(Object.entries(process.env)))')) as [string, string][]);
    expect(env).toMatchObject({ ...container.environment, ...sandboxContainerEnvironment(moto.url, port) });
  });

  it('runs node as PID 1 under the task user (1000), with the root and the code read-only', async () => {
    const uid = /^Uid:\s+(\d+)/m.exec(await inContainer("process.stdout.write(require('fs').readFileSync('/proc/1/status','utf8'))"))?.[1];
    const writes = JSON.parse(
      await inContainer(
        `process.stdout.write(JSON.stringify(['/', '/app'].map(d=>{try{require('fs').writeFileSync(d.replace(/\\/$/,'')+'/probe','x');return 'written'}catch(e){return e.code}})))`,
      ),
    ) as string[];
    expect({ uid, writes }).toEqual({ uid: '1000', writes: ['EROFS', 'EROFS'] });
  });

  it('holds the container to the task size, 256 CPU units and 512 MiB without swap', async () => {
    const { body } = await runtime.engine.docker.api('GET', `/containers/${service.container.id}/json`);
    const host = (body as { HostConfig: { NanoCpus: number; Memory: number; MemorySwap: number; ReadonlyRootfs: boolean } }).HostConfig;
    expect([service.task.cpu, service.task.memoryMiB, host.NanoCpus, host.Memory, host.MemorySwap, host.ReadonlyRootfs]).toEqual([
      256,
      512,
      0.25e9,
      512 * 1024 * 1024,
      512 * 1024 * 1024,
      true,
    ]);
  });

  it('reaches healthy by the registered health check, its URL moved from the task port 8080 to the container port', async () => {
    const { body } = await runtime.engine.docker.api('GET', `/containers/${service.container.id}/json`);
    const test = (body as { Config: { Healthcheck: { Test: string[] } } }).Config.Healthcheck.Test;
    const registered = service.task.container.healthCheck?.command ?? [];
    expect([(await service.container.state()).health, test]).toEqual(['healthy', registered.map((part) => part.replace('127.0.0.1:8080', `127.0.0.1:${port}`))]);
  });

  it('answers /ready from the container started with the registered task definition', async () => {
    expect((await get(`${service.url}/ready`)).status).toBe(200);
  });

  it('serves exactly the categories the data stack seeded from data/category.csv', async () => {
    const seeded = loadSeedData(path.join(ROOT, 'data')).find((t) => t.definition.name === 'Category');
    const served = JSON.parse((await get(`${service.url}/api/categories`)).body) as { items: { id: string }[] };
    expect(served.items.map((c) => c.id).sort()).toEqual((seeded?.items ?? []).map((item) => String(item.id)).sort());
  });

  it('sees every kind of our resources in the emulator before the teardown', () => {
    expect(
      Object.entries(before)
        .filter(([, ids]) => ids.length === 0)
        .map(([kind]) => kind),
    ).toEqual([]);
  });

  it('refuses to plan the destroy of the protected tables without the teardown switch', () => {
    const result = terraform(stackDir('data'), ['plan', '-destroy', '-input=false', '-no-color', '-lock=false'], false);
    expect([result.status, /Instance cannot be destroyed/.test(result.stderr)]).toEqual([1, true]);
  });

  it('tears down with the documented procedure and leaves none of our resources in the emulator but what a named gap keeps', async () => {
    const started = performance.now();
    const steps = await destroySandbox(context);
    timings.push(`teardown ${seconds(performance.now() - started)}: ${steps.map((s) => `${s.step} ${seconds(s.ms)} (${s.summary})`).join(', ')}`);
    expect(steps.map((s) => s.step)).toEqual([
      'synth',
      'data unprotect',
      'service unprotect',
      'service destroy',
      'data destroy',
      'network destroy',
      'bucket empty',
      'bootstrap destroy',
    ]);
    const left = await inventory(inventoryOptions());
    expect([Object.values(left).flat(), await stateCounts(context)]).toEqual([keptByTeardown(steps, stateBucketOf(config())), { bootstrap: 0, network: 0, data: 0, service: 0 }]);
  });
});
