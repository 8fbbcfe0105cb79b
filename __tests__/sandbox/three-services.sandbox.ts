/**
 * The seed's three services (docs/examples/three-services.json) on the emulated AWS: `order`
 * behind both load balancers calling `customer` and `product` through the internal one. Its scaling
 * goes (moto cannot create scaling targets: scripts/lib/emulator.ts); everything else is the file.
 * As `npm run sandbox` does with a Docker engine, the service image is built and pushed to a
 * loopback registry, `product` (image `build`) is deployed with that digest and runs as a container.
 * Runs under `npm run test:sandbox`, after the default deployment's suite.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { deploySandbox, destroySandbox, registeredContainer, sandboxConfig, stackOutputs, type SandboxContext, type StepResult } from '../../scripts/sandbox';
import type { Moto } from '../../scripts/moto';
import { DeregisterTaskDefinitionCommand, DescribeServicesCommand, DescribeTaskDefinitionCommand, ECSClient, type TaskDefinition } from '@aws-sdk/client-ecs';
import { prepareSandboxRuntime, type ContainerRuntime, type RunningContainers } from '../../scripts/sandbox-containers';
import { loadSeedData } from '../../stacks/seed';
import { freePort } from '../support/moto-server';
import { physicalName } from '../../stacks/lib/naming';
import { EMULATOR_GAPS } from '../../scripts/lib/emulator';
import { requireTerraform } from '../../scripts/lib/terraform';
import { inventory, keptByTeardown, requireAwsCli } from './inventory';
import { expectedFirstApply, firstApplySummaries, keepLogsAndClean, startSandboxSuite, stateBucketOf, stateCounts, stateResources } from './suite';
import { replan, type Drift } from './replan';
import { readAlarmsBack, type AlarmsReadBack } from './alarms-readback';

jest.setTimeout(15 * 60_000);

const ROOT = path.join(__dirname, '..', '..');
const EXAMPLE = path.join(ROOT, 'docs', 'examples', 'three-services.json');

let work: string;
let moto: Moto;
let context: SandboxContext;
let deployed: StepResult[];
/** The service stack's re-plan right after the first deploy, before any release. */
let replanBeforeRelease: Drift[];
let runtime: ContainerRuntime;
let running: RunningContainers;
/** The services file and the registry's storage, before the suite's own directory exists. */
const runtimeDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sandbox-three-runtime-'));
const said: string[] = [];

const stackDir = (stack: string) => path.join(context.outDir, 'stacks', stack);
const config = () => sandboxConfig(context);

/** The example as the sandbox can run it: no scaling; `customer` is released by a pipeline (docs/release.md). */
function sandboxServicesFile(dir: string): string {
  const example = JSON.parse(fs.readFileSync(EXAMPLE, 'utf8')) as { services: Record<string, unknown>[] };
  const services = example.services.map(({ scaling: _scaling, ...service }) => ({ ...service, ...(service.name === 'customer' ? { release: 'pipeline' } : {}) }));
  const file = path.join(dir, 'three-services.json');
  fs.writeFileSync(file, JSON.stringify({ services }, null, 2));
  return file;
}

beforeAll(async () => {
  requireTerraform();
  requireAwsCli();
  const prepared = await prepareSandboxRuntime({
    root: ROOT,
    env: { ...process.env, SANDBOX_RUNTIME: 'container', CDKTF_SERVICES_FILE: sandboxServicesFile(runtimeDir) },
    workDir: runtimeDir,
    say: (line) => void said.push(line),
    registryDir: path.join(runtimeDir, 'registry'),
    registryPort: await freePort(),
  });
  if (prepared.runtime !== 'container') throw new Error(`the sandbox runtime is ${prepared.runtime}: ${prepared.reason}`);
  runtime = prepared;
  ({ work, moto, context } = await startSandboxSuite(ROOT, 'sandbox-three-', () => ({ ...runtime.deployEnv })));
  deployed = await deploySandbox(context);
  running = await runtime.run({
    endpoint: moto.url,
    config: config(),
    outputs: stackOutputs(context, 'service'),
    port: await freePort(),
    logDir: work,
    say: (line) => void said.push(line),
  });
});

afterAll(async () => {
  // Every stop runs even when one fails, so that a failure leaves no registry or moto behind.
  const failures: unknown[] = [];
  for (const stop of [() => running?.stop(), () => runtime?.stop(), () => moto?.stop()])
    await Promise.resolve()
      .then(stop)
      .catch((error: unknown) => failures.push(error));
  fs.rmSync(runtimeDir, { recursive: true, force: true });
  process.stderr.write(`\n[three-services.sandbox] ${said.join('\n[three-services.sandbox] ')}\n`);
  if (work) keepLogsAndClean(ROOT, work, ['sandbox.log', 'moto.log', ...(running ? running.containers.map((c) => `${c.container.name}.log`) : [])], 'three-services-');
  if (failures.length > 0) throw failures[0];
});

describe('sandbox: the seed’s three services behind two load balancers on the emulated AWS', () => {
  it('applies every synthesized resource of bootstrap, network, data and service', async () => {
    expect(await firstApplySummaries(context, deployed)).toEqual(expectedFirstApply(context));
  });

  it('runs three ECS services in one cluster, behind an internet-facing and an internal load balancer', () => {
    const resources = stateResources(context, 'service');
    const services = resources.filter((r) => r.type === 'aws_ecs_service').map((r) => [r.values.name, r.values.cluster]);
    const balancers = resources
      .filter((r) => r.type === 'aws_lb')
      .map((r) => r.values.internal)
      .sort();
    expect([services.map(([name]) => name).sort(), new Set(services.map(([, cluster]) => cluster)).size, balancers]).toEqual([
      ['customer', 'order', 'product'].map((name) => physicalName(config(), name)),
      1,
      [false, true],
    ]);
  });

  it('names both load balancers in the private zone: internal.<zone> and external.<zone>', () => {
    const zone = String(stackOutputs(context, 'service').private_zone_name);
    const records = stateResources(context, 'service')
      .filter((r) => r.type === 'aws_route53_record')
      .map((r) => String(r.values.name).replace(/\.$/, ''))
      .sort();
    expect(records).toEqual([`external.${zone}`, `internal.${zone}`]);
  });

  it('registers order with the internal URLs of customer and product', async () => {
    const outputs = stackOutputs(context, 'service');
    const zone = String(outputs.private_zone_name);
    const order = await registeredContainer({ endpoint: moto.url, region: config().region, cluster: String(outputs.cluster_name), service: String(outputs.order_service_name) });
    expect([order.environment.CUSTOMER_URL, order.environment.PRODUCT_URL]).toEqual([`http://internal.${zone}:8080`, `http://internal.${zone}:9090`]);
  });

  it('runs product, the one service of image build, as a healthy container of the pushed digest that serves the seeded categories', async () => {
    const [product] = running.containers;
    const seeded = loadSeedData(path.join(ROOT, 'data')).find((t) => t.definition.name === 'Category');
    const served = (await (await fetch(`${product.url}/api/categories`)).json()) as { items: { id: string }[] };
    expect([running.containers.map((c) => c.service), product.task.container.image, (await product.container.state()).health, served.items.map((c) => c.id).sort()]).toEqual([
      ['product'],
      runtime.pushed.digestReference,
      'healthy',
      (seeded?.items ?? []).map((item) => String(item.id)).sort(),
    ]);
  });

  it('lets order’s tasks reach exactly ports 8080 and 9090 of the internal load balancer', () => {
    const resources = stateResources(context, 'service');
    const groupId = (name: string) => resources.find((r) => r.type === 'aws_security_group' && String(r.values.name ?? '').startsWith(name))?.values.id;
    const orderTasks = groupId(`${physicalName(config(), 'order')}-tasks`);
    const internalAlb = resources.find((r) => r.type === 'aws_lb' && r.values.internal === true)?.values.security_groups as string[];
    const ports = resources
      .filter((r) => r.type === 'aws_vpc_security_group_egress_rule' && r.values.security_group_id === orderTasks)
      .filter((r) => internalAlb.some((sg) => String(r.values.referenced_security_group_id).endsWith(sg)))
      .map((r) => r.values.from_port)
      .sort();
    expect([orderTasks === undefined, ports]).toEqual([false, [8080, 9090]]);
  });

  it('re-plans network and data with no changes', () => {
    expect([replan(stackDir('network')), replan(stackDir('data'))]).toEqual([[], []]);
  });

  it('re-plans the service stack with only drifts that scripts/lib/emulator.ts names, for every service', () => {
    // Per resource type, the attributes the named gaps let drift (ECS read-backs, rule read-backs, the private zone).
    // Before any release: its gap's task_definition is not allowed yet.
    const allowed = (type: string) =>
      EMULATOR_GAPS.filter((g) => g.resourceTypes.includes(type) && g.id !== 'ecs-service-replaced-after-release').flatMap((g) => g.driftAttributes ?? []);
    const drifts = replan(stackDir('service'));
    replanBeforeRelease = drifts;
    const unexplained = drifts.filter((d) => d.attributes.length === 0 || d.attributes.some((a) => !allowed(d.type).includes(a)));
    const replacedServices = drifts.filter((d) => d.type === 'aws_ecs_service' && d.actions.join() === 'delete,create').length;
    // One replacement per ECS service (the capacity-provider read-back), and the zone's VPC.
    expect([unexplained, replacedServices, drifts.filter((d) => d.type === 'aws_route53_zone').map((d) => d.attributes)]).toEqual([[], 3, [['vpc']]]);
  });

  describe('npm run release of customer, a pipeline service', () => {
    const IMAGE = 'public.ecr.aws/nginx/nginx:1.27-release';
    let before: { arn: string; definition: TaskDefinition };
    let after: { arn: string; definition: TaskDefinition };
    let released: { status: number | null; output: string; seconds: number };

    const emulatedEcs = () => new ECSClient({ endpoint: moto.url, region: config().region, credentials: { accessKeyId: 'sandbox', secretAccessKey: 'sandbox' } });
    /** The task definition the ECS service of `name` names now, as the emulated ECS describes it. */
    async function runningRevision(name: string): Promise<{ arn: string; definition: TaskDefinition }> {
      const ecs = emulatedEcs();
      try {
        const cluster = String(stackOutputs(context, 'service').cluster_name);
        const { services } = await ecs.send(new DescribeServicesCommand({ cluster, services: [physicalName(config(), name)] }));
        const arn = services?.[0]?.taskDefinition ?? '';
        const { taskDefinition } = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: arn }));
        return { arn, definition: taskDefinition ?? {} };
      } finally {
        ecs.destroy();
      }
    }
    /** `npm run release -- <args>` against this suite's moto, as a pipeline runs it. */
    function npmRelease(...args: string[]): { status: number | null; output: string; seconds: number } {
      const started = Date.now();
      const run = spawnSync('npm', ['run', '-s', 'release', '--', ...args], { cwd: ROOT, env: { ...context.env, CDKTF_ENV: 'sandbox' }, encoding: 'utf8' });
      return { status: run.status, output: `${run.stdout}${run.stderr}`, seconds: (Date.now() - started) / 1000 };
    }
    /** A revision without what each registration makes its own, and without its images. */
    const settingsOf = (definition: TaskDefinition) => {
      const { taskDefinitionArn: _arn, revision: _revision, registeredAt: _at, registeredBy: _by, containerDefinitions, ...rest } = definition;
      return { ...rest, containerDefinitions: containerDefinitions?.map(({ image: _image, ...container }) => container) };
    };

    beforeAll(async () => {
      before = await runningRevision('customer');
      released = npmRelease('customer', IMAGE);
      after = await runningRevision('customer');
      fs.appendFileSync(context.logFile, `\n# npm run release -- customer ${IMAGE}: exit ${released.status} in ${released.seconds.toFixed(1)} s\n${released.output}\n`);
      process.stdout.write(`npm run release against the emulator: ${released.seconds.toFixed(1)} s\n`);
    });

    // A released revision is in no Terraform state, so the destroy leaves it registered; its owner,
    // the pipeline, deregisters it (docs/release.md), before the teardown looks for leftovers.
    afterAll(async () => {
      if (!after?.arn || after.arn === before?.arn) return;
      const ecs = emulatedEcs();
      try {
        await ecs.send(new DeregisterTaskDefinitionCommand({ taskDefinition: after.arn }));
      } finally {
        ecs.destroy();
      }
    });

    it('completes on the sandbox path, saying it stood on the emulator gap', () => {
      expect([released.status, released.output]).toEqual([0, expect.stringContaining('emulator gap ecs-deployment-never-completes')]);
    });

    it('registers a new revision that differs from the running one only in the image', () => {
      const images = (d: TaskDefinition) => d.containerDefinitions?.map((c) => c.image);
      expect([after.definition.revision, images(before.definition), images(after.definition), settingsOf(after.definition)]).toEqual([
        (before.definition.revision ?? 0) + 1,
        ['public.ecr.aws/nginx/nginx:stable'],
        [IMAGE],
        settingsOf(before.definition),
      ]);
    });

    it('leaves the service naming the new revision by its full ARN', () => {
      expect(after.arn).toBe(`${before.arn.replace(/:\d+$/, '')}:${after.definition.revision}`);
      expect(after.arn).toMatch(/^arn:aws:ecs:[a-z0-9-]+:\d{12}:task-definition\/[a-z0-9-]+:\d+$/);
    });

    it('refuses order, a terraform-mode service, with exit code 2 and the field that would change it', () => {
      const refused = npmRelease('order', IMAGE);
      expect([refused.status, refused.output]).toEqual([2, expect.stringContaining('"order" is released by Terraform (release: terraform)')]);
    });

    it('re-plans as before, plus task_definition inside customer’s replacement (emulator gap ecs-service-replaced-after-release)', () => {
      const customer = `services/customer/ecs/service`;
      const expected = replanBeforeRelease.map((d) => (d.path === customer ? { ...d, attributes: [...d.attributes, 'task_definition'].sort() } : d));
      expect([EMULATOR_GAPS.some((g) => g.id === 'ecs-service-replaced-after-release'), replan(stackDir('service'))]).toEqual([true, expected]);
    });
  });

  // moto drops a service's rollback alarms on create (gap ecs-service-alarms-on-create); the re-plans
  // above are clean only because the provider keeps what it sent. Read them back from the emulator.
  describe('the rollback alarms of product, read back from the emulated ECS', () => {
    let read: AlarmsReadBack;

    beforeAll(async () => {
      const service = stateResources(context, 'service').find((r) => r.type === 'aws_ecs_service' && r.values.name === physicalName(config(), 'product'));
      if (!service) throw new Error('the service stack holds no ECS service of product');
      read = await readAlarmsBack({
        stackDir: stackDir('service'),
        address: service.address,
        cluster: String(stackOutputs(context, 'service').cluster_name),
        serviceName: String(service.values.name),
        endpoint: moto.url,
        region: config().region,
        values: service.values,
      });
    });

    it('are sent on create, naming the service’s own 5xx-rate and p99 alarms, with rollback and the circuit breaker on', () => {
      const [alarms] = read.sent.alarms;
      const own = alarms.alarm_names.filter((n) => n.startsWith(`${physicalName(config(), 'product')}-`));
      expect([
        alarms.enable,
        alarms.rollback,
        own.length,
        alarms.alarm_names.map((n) => n.replace(/^.*-(5xx-rate|p99)$/, '$1')).sort(),
        read.sent.deployment_circuit_breaker,
      ]).toEqual([true, true, alarms.alarm_names.length, ['5xx-rate', 'p99'], [{ enable: true, rollback: true }]]);
    });

    it('are dropped by the emulator on create, as the named gap says', () => {
      expect([EMULATOR_GAPS.some((g) => g.id === 'ecs-service-alarms-on-create'), read.onCreate?.alarms]).toEqual([true, undefined]);
    });

    it('are stored and described by the emulator after one update', () => {
      const [alarms] = read.sent.alarms;
      expect([read.afterUpdate?.alarms, read.afterUpdate?.deploymentCircuitBreaker]).toEqual([
        { alarmNames: alarms.alarm_names, enable: true, rollback: true },
        { enable: true, rollback: true },
      ]);
    });

    it('read back by a fresh import equal what the stack configures', () => {
      expect(read.readBack).toEqual(read.configured);
      expect(read.configured.alarms[0].alarm_names).toEqual(read.sent.alarms[0].alarm_names);
    });
  });

  it('tears down with the documented procedure, the service deploy standing aside for the private-zone gap, and leaves nothing of ours', async () => {
    const steps = await destroySandbox(context);
    expect(steps.find((s) => s.step === 'service unprotect')?.summary).toBe('stood aside for the emulator gap route53-private-zone');
    const left = await inventory({ endpoint: moto.url, region: config().region, namePrefix: physicalName(config()), tags: config().tags });
    expect([Object.values(left).flat(), await stateCounts(context)]).toEqual([keptByTeardown(steps, stateBucketOf(config())), { bootstrap: 0, network: 0, data: 0, service: 0 }]);
  });
});
