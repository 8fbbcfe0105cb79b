/**
 * The whole blueprint on the emulated AWS, deployed once the way a new user meets it: `npm run
 * sandbox` in a scratch copy of the project, from a fresh machine (a HOME without a Terraform plugin
 * folder, a TF_CLI_CONFIG_FILE naming a file that does not exist). The command prepares the machine
 * itself, starts its own moto (MOTO_PORT, a free port), builds the service image with the project's
 * Docker engine (the scratch project's `.local/docker` links to this project's, which the suite's
 * global setup started) and pushes it to a loopback registry, deploys bootstrap (the state bucket and
 * its key, local state) then network, data and service with their state in that bucket, the task
 * definition naming the pushed digest, and serves the page from a container of its registered task
 * definition. This file then reads what it left in the project's directories: the first applies'
 * summaries from its step lines, re-plans, the state through the S3 backend, cross-stack values, the
 * running container. `npm run sandbox:destroy` from another shell tears everything down, and Ctrl-C
 * stops the rest. The provider waits about 60 s for the load balancer, so this file takes several
 * minutes: it runs under `npm run test:sandbox`, not `npm test`. Its logs are kept in .local/sandbox-test/.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { isMotoRunning } from '../../scripts/moto';
import { emulatorUrl, motoUrl, EXPECTED_REPLAN_DRIFTS } from '../../scripts/lib/emulator';
import {
  STATE_STACKS,
  sandboxConfig,
  registeredContainer,
  stackOutputs,
  stepResultsOf,
  stripAnsi,
  type RegisteredContainer,
  type SandboxContext,
  type StepResult,
} from '../../scripts/sandbox';
import { describeTask } from '../../scripts/sandbox-containers';
import { sandboxContainerEnvironment, sandboxContainerName, type RegisteredTaskContainer } from '../../scripts/lib/sandbox-containers';
import { dockerClient, type DockerClient } from '../../scripts/lib/docker-cli';
import { ENGINE_DIR, engineLayout } from '../../scripts/lib/docker-engine';
import { physicalName } from '../../stacks/lib/naming';
import { loadSeedData } from '../../stacks/seed';
import { freePort } from '../support/moto-server';
import { newUserEnvironment, scratchProject } from '../support/scratch-project';
import { requireTerraform, terraform } from '../../scripts/lib/terraform';
import { emulatedS3, stateLocationOf } from '../../scripts/lib/sandbox-state';
import { TfDocument, type TfJson } from '../../stacks/lib/tf-json';
import { inventory, keptByTeardown, requireAwsCli, type Inventory } from './inventory';
import { expectedFirstApply, firstApplySummaries, keepLogsAndClean, stateBucketOf, stateCounts, stateResources } from './suite';
import { replan, type Drift } from './replan';
import { finished, interrupt, startNpm, waitFor, type Running } from './npm-run';

jest.setTimeout(20 * 60_000);

const ROOT = path.resolve(__dirname, '..', '..');
// Copied: what the sandbox resolves its root from or writes into, and the image's build files; the rest is linked.
const COPIED = [
  'package.json',
  'scripts',
  'main.ts',
  'app.ts',
  'cdktf.json',
  'tsconfig.json',
  'service/src',
  'service/public',
  'service/build.mjs',
  'service/Dockerfile',
  'service/.dockerignore',
];
const LINKED = ['node_modules', 'stacks', 'data'];
const READY = /\[sandbox\] ready in ([\d.]+) s: open (http:\/\/localhost:\d+)/;
/** The step lines of `npm run sandbox`'s deploy and of `npm run sandbox:destroy`. */
const DEPLOY_STEPS = ['synth', 'synth s3 state', ...STATE_STACKS];
const TEARDOWN_STEPS = ['synth', 'data unprotect', 'service unprotect', 'service destroy', 'data destroy', 'network destroy', 'bucket empty', 'bootstrap destroy'];

let project: string;
let home: string;
let env: NodeJS.ProcessEnv;
let motoPort: number;
let port: number;
let context: SandboxContext;
let sandbox: Running;
let ready: RegExpMatchArray;
let served: { status: number; ids: string[] };
let deployed: StepResult[];
let container: RegisteredContainer;
let task: RegisteredTaskContainer;
let docker: DockerClient;
/** The name of the service's container on the engine, as the sandbox names it. */
let containerName: string;
/** The digest reference the sandbox pushed, and the image it built, read from its lines. */
let pushed: { digestReference: string; imageId: string };
let before: Inventory;
let destroy: { code: number | null; output: string; steps: StepResult[] } | undefined;
let stopped: { said: boolean; groupLeft: boolean; motoAnswers: boolean; containerLeft: boolean };
const started = Date.now();

const moto = () => motoUrl(motoPort);
const stackDir = (stack: string) => path.join(context.outDir, 'stacks', stack);
const config = () => sandboxConfig(context);
const inventoryOptions = () => ({ endpoint: moto(), region: config().region, namePrefix: physicalName(config()), tags: config().tags });
/** Values of one stack's state (`terraform show -json`, read once: nothing applies between the checks), by resource address. */
const shownStates = new Map<'data' | 'service', Map<string, Record<string, unknown>>>();
const stateValues = (stack: 'data' | 'service') => {
  if (!shownStates.has(stack)) shownStates.set(stack, new Map(stateResources(context, stack).map((r) => [r.address, r.values])));
  return shownStates.get(stack) ?? new Map<string, Record<string, unknown>>();
};
/** The one `[sandbox] <name>  <time>  <rest>` line of `npm run sandbox` naming `name`, its rest. */
const lineOf = (name: string): string => {
  const line = new RegExp(`^\\[sandbox\\] ${name} +[\\d.]+ s {2}(.*)$`, 'm').exec(stripAnsi(sandbox.output()));
  if (line === null) throw new Error(`npm run sandbox printed no "${name}" line:\n${sandbox.output()}`);
  return line[1];
};

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

/** Runs a node script inside the service's container, as its user; resolves with what it printed. */
async function inContainer(script: string): Promise<string> {
  const result = await docker.run(['exec', containerName, 'node', '-e', script]);
  if (result.code !== 0) throw new Error(`node -e in the container failed (${result.code}): ${result.stderr}`);
  return result.stdout;
}

/** The engine's view of the service's container (`docker inspect`). */
async function inspected(): Promise<{ Image: string; State: { Health?: { Status: string } }; HostConfig: Record<string, unknown>; Config: { Healthcheck: { Test: string[] } } }> {
  const { status, body } = await docker.api('GET', `/containers/${encodeURIComponent(containerName)}/json`);
  if (status !== 200) throw new Error(`inspecting the container ${containerName} failed (${status}): ${JSON.stringify(body)}`);
  return body as Awaited<ReturnType<typeof inspected>>;
}

beforeAll(async () => {
  requireTerraform();
  requireAwsCli();
  // Given a scratch project sharing this project's engine, a HOME without a Terraform plugin folder and a CLI config file that does not exist
  project = scratchProject('sandbox-deploy-', COPIED, LINKED);
  fs.mkdirSync(path.join(project, '.local'));
  fs.mkdirSync(path.join(ROOT, ENGINE_DIR), { recursive: true });
  fs.symlinkSync(path.join(ROOT, ENGINE_DIR), path.join(project, ENGINE_DIR));
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'fresh-home-'));
  motoPort = process.env.MOTO_PORT ? Number(process.env.MOTO_PORT) : await freePort();
  if (await isMotoRunning(moto())) throw new Error(`a moto server already answers on port ${motoPort}; this test starts its own: stop that one or set MOTO_PORT to a free port`);
  port = await freePort();
  // No SANDBOX_RUNTIME: the engine the suite's global setup started answers, so the sandbox chooses containers itself.
  env = {
    ...newUserEnvironment(),
    HOME: home,
    TF_CLI_CONFIG_FILE: path.join(home, '.terraformrc'),
    MOTO_PORT: String(motoPort),
    PORT: String(port),
    REGISTRY_PORT: String(await freePort()),
  };
  const logDir = path.join(project, '.local', 'sandbox');
  context = { root: project, env, outDir: path.join(logDir, 'cdktf.out'), logFile: path.join(logDir, 'sandbox.log') };

  // When npm run sandbox runs until its ready line
  sandbox = startNpm(['run', 'sandbox'], project, env);
  ready = await waitFor(sandbox, READY, 15 * 60_000);
  const response = await fetch(`${ready[2]}/api/categories`);
  served = { status: response.status, ids: ((await response.json()) as { items: { id: string }[] }).items.map((c) => c.id).sort() };
  const runtime = /^\[sandbox\] runtime +(.*)$/m.exec(stripAnsi(sandbox.output()))?.[1];
  if (runtime !== 'containers') throw new Error(`npm run sandbox ran ${runtime ?? 'no runtime line'}, not containers; the suite's global setup starts the engine for this file`);

  // Then what it did is read from its lines, the emulated ECS and the engine
  deployed = stepResultsOf(sandbox.output(), DEPLOY_STEPS);
  const outputs = stackOutputs(context, 'service');
  const described = { endpoint: moto(), region: config().region, cluster: String(outputs.cluster_name), service: String(outputs.service_name) };
  container = await registeredContainer(described);
  task = (await describeTask(described)).task;
  containerName = sandboxContainerName(String(outputs.service_name));
  docker = dockerClient(engineLayout(fs.realpathSync(path.join(ROOT, ENGINE_DIR))).socket);
  const imageReference = /^(\S+), /.exec(lineOf('image'))?.[1] ?? '';
  pushed = { digestReference: lineOf('pushed').trim(), imageId: await docker.ok(['image', 'inspect', '--format', '{{.Id}}', imageReference]) };
  before = await inventory(inventoryOptions());
});

afterAll(async () => {
  // After a failure on the way: Ctrl-C, so that the sandbox still stops its container and the moto it started.
  if (sandbox !== undefined) await interrupt(sandbox);
  if (project === undefined) return;
  const logs = path.join(project, '.local', 'sandbox');
  fs.mkdirSync(logs, { recursive: true });
  const steps = (results: readonly StepResult[] | undefined) => (results ?? []).map((s) => `${s.step} ${(s.ms / 1000).toFixed(1)} s`).join(', ');
  fs.writeFileSync(
    path.join(logs, 'npm-run-sandbox.txt'),
    `${sandbox?.output() ?? ''}\n\n$ npm run sandbox:destroy\n${destroy?.output ?? ''}\n\nwhole test: ${((Date.now() - started) / 1000).toFixed(0)} s\n`,
  );
  process.stderr.write(`\n[deploy.sandbox] deploy: ${steps(deployed)}\n[deploy.sandbox] teardown: ${steps(destroy?.steps)}\n`);
  keepLogsAndClean(ROOT, logs, ['npm-run-sandbox.txt', 'sandbox.log', 'moto.log', ...(containerName ? [`${containerName}.log`] : [])]);
  for (const dir of [project, home]) fs.rmSync(dir, { recursive: true, force: true });
});

describe('npm run sandbox on a fresh machine: the three stacks on the emulated AWS', () => {
  test('prepares the machine itself and says so on one line before moto starts', () => {
    const lines = sandbox
      .output()
      .split('\n')
      .filter((line) => line.startsWith('[sandbox]'));
    const prepared = lines.findIndex((line) => /^\[sandbox\] machine prepared in [\d.]+ s: .*CLI config: created an empty /.test(line));
    const motoLine = lines.findIndex((line) => line.startsWith('[sandbox] moto '));
    expect({ prepared: prepared >= 0 && prepared < motoLine, cliConfig: fs.existsSync(path.join(home, '.terraformrc')) }).toEqual({ prepared: true, cliConfig: true });
  });

  test('serves the categories the data stack seeded from data/category.csv once it prints its ready line', () => {
    const seeded = loadSeedData(path.join(ROOT, 'data')).find((t) => t.definition.name === 'Category');
    expect(served).toEqual({ status: 200, ids: (seeded?.items ?? []).map((item) => String(item.id)).sort() });
  });

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
    const s3 = emulatedS3(moto(), config().region);
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
    // Each producer's outputs as its state holds them, read once per producer through its backend.
    const producers = new Map(
      [...new Set(reads.map((read) => read.split(' ')[0]))].map((producer) => [
        producer,
        JSON.parse(terraform(stackDir(producer), ['output', '-json']).stdout) as Record<string, { value: unknown }>,
      ]),
    );
    const mismatches = reads.flatMap((read) => {
      const [producer, output] = read.split(' ');
      const written = producers.get(producer)?.[output]?.value ?? null;
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
    expect([container.image, (await inspected()).Image]).toEqual([pushed.digestReference, pushed.imageId]);
  });

  it('runs the container with the registered environment plus only the emulator endpoints, credentials and the moved port', async () => {
    const containerEnv = Object.fromEntries(JSON.parse(await inContainer('process.stdout.write(JSON.stringify(Object.entries(process.env)))')) as [string, string][]);
    expect(containerEnv).toMatchObject({ ...container.environment, ...sandboxContainerEnvironment(emulatorUrl(config().aws.endpoints), port) });
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
    const host = (await inspected()).HostConfig as { NanoCpus: number; Memory: number; MemorySwap: number; ReadonlyRootfs: boolean };
    expect([task.cpu, task.memoryMiB, host.NanoCpus, host.Memory, host.MemorySwap, host.ReadonlyRootfs]).toEqual([256, 512, 0.25e9, 512 * 1024 * 1024, 512 * 1024 * 1024, true]);
  });

  it('reaches healthy by the registered health check, its URL moved from the task port 8080 to the container port', async () => {
    const { State, Config } = await inspected();
    const registered = task.container.healthCheck?.command ?? [];
    expect([State.Health?.Status, Config.Healthcheck.Test]).toEqual(['healthy', registered.map((part) => part.replace('127.0.0.1:8080', `127.0.0.1:${port}`))]);
  });

  it('answers /ready from the container started with the registered task definition', async () => {
    expect([ready[2], (await get(`${ready[2]}/ready`)).status]).toEqual([`http://localhost:${port}`, 200]);
  });

  it('serves exactly the categories the data stack seeded from data/category.csv', async () => {
    const seeded = loadSeedData(path.join(ROOT, 'data')).find((t) => t.definition.name === 'Category');
    const categories = JSON.parse((await get(`${ready[2]}/api/categories`)).body) as { items: { id: string }[] };
    expect(categories.items.map((c) => c.id).sort()).toEqual((seeded?.items ?? []).map((item) => String(item.id)).sort());
  });

  it('sees every kind of our resources in the emulator before the teardown', () => {
    expect(
      Object.entries(before)
        .filter(([, ids]) => ids.length === 0)
        .map(([kind]) => kind),
    ).toEqual([]);
  });

  it('refuses to plan the destroy of the protected tables without the teardown switch', () => {
    // prevent_destroy is configuration: the refusal needs no refresh of the 123 resources first.
    const result = terraform(stackDir('data'), ['plan', '-destroy', '-refresh=false', '-input=false', '-no-color', '-lock=false'], false);
    expect([result.status, /Instance cannot be destroyed/.test(result.stderr)]).toEqual([1, true]);
  });

  describe('then npm run sandbox:destroy from another shell, and Ctrl-C', () => {
    let left: { inventory: string[]; states: Record<string, number> };

    beforeAll(async () => {
      const teardown = startNpm(['run', 'sandbox:destroy'], project, env);
      const code = await finished(teardown, 10 * 60_000);
      destroy = { code, output: teardown.output(), steps: stepResultsOf(teardown.output(), TEARDOWN_STEPS) };
      left = { inventory: Object.values(await inventory(inventoryOptions())).flat(), states: await stateCounts(context) };
      const { groupLeft } = await interrupt(sandbox);
      const containers = await docker.run(['ps', '--all', '--quiet', '--filter', `name=^${containerName}$`]);
      stopped = {
        said: /^\[sandbox\] stopped$/m.test(sandbox.output()),
        groupLeft,
        motoAnswers: await isMotoRunning(moto()),
        containerLeft: containers.code !== 0 || containers.stdout.trim() !== '',
      };
    });

    test('npm run sandbox:destroy, from another shell, empties the state of every stack', () => {
      expect({ code: destroy?.code, resourcesLeft: left.states }).toEqual({ code: 0, resourcesLeft: { bootstrap: 0, network: 0, data: 0, service: 0 } });
    });

    it('tears down with the documented procedure and leaves none of our resources in the emulator but what a named gap keeps', () => {
      const steps = destroy?.steps ?? [];
      expect(steps.map((s) => s.step)).toEqual(TEARDOWN_STEPS);
      expect([left.inventory, left.states]).toEqual([keptByTeardown(steps, stateBucketOf(config())), { bootstrap: 0, network: 0, data: 0, service: 0 }]);
    });

    test('Ctrl-C then stops the sandbox, the service container and the moto it started', () => {
      expect(stopped).toEqual({ said: true, groupLeft: false, motoAnswers: false, containerLeft: false });
    });
  });
});
