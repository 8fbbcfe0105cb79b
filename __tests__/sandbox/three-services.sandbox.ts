/**
 * The seed's three services (docs/examples/three-services.json) on the emulated AWS: `order`
 * behind both load balancers calling `customer` and `product` through the internal one. The
 * example's built image becomes a registry image and its scaling goes (the sandbox has no Docker
 * engine, and moto cannot create scaling targets: scripts/lib/emulator.ts); everything else is the file.
 * Runs under `npm run test:sandbox`, after the default deployment's suite.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  deploySandbox,
  destroySandbox,
  registeredContainer,
  SANDBOX_STACKS,
  sandboxConfig,
  stackOutputs,
  stateResourceCount,
  type SandboxContext,
  type StepResult,
} from '../../scripts/sandbox';
import type { Moto } from '../../scripts/moto';
import { physicalName } from '../../stacks/lib/naming';
import { EMULATOR_GAPS } from '../../scripts/lib/emulator';
import { requireTerraform } from '../../scripts/lib/terraform';
import { inventory, requireAwsCli } from './inventory';
import { expectedFirstApply, firstApplySummaries, keepLogsAndClean, startSandboxSuite, stateResources } from './suite';
import { replan } from './replan';

jest.setTimeout(15 * 60_000);
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const ROOT = path.join(__dirname, '..', '..');
const EXAMPLE = path.join(ROOT, 'docs', 'examples', 'three-services.json');

let work: string;
let moto: Moto;
let context: SandboxContext;
let deployed: StepResult[];

const stackDir = (stack: string) => path.join(context.outDir, 'stacks', stack);
const config = () => sandboxConfig(context);

/** The example as the sandbox can run it: registry images only, no scaling. */
function sandboxServicesFile(dir: string): string {
  const example = JSON.parse(fs.readFileSync(EXAMPLE, 'utf8')) as { services: Record<string, unknown>[] };
  const services = example.services.map(({ scaling: _scaling, ...service }) => ({
    ...service,
    image: String(service.image).startsWith('registry:') ? service.image : 'registry:public.ecr.aws/nginx/nginx:stable',
  }));
  const file = path.join(dir, 'three-services.json');
  fs.writeFileSync(file, JSON.stringify({ services }, null, 2));
  return file;
}

beforeAll(async () => {
  requireTerraform();
  requireAwsCli();
  ({ work, moto, context } = await startSandboxSuite(ROOT, 'sandbox-three-', (dir) => ({ CDKTF_SERVICES_FILE: sandboxServicesFile(dir) })));
  deployed = await deploySandbox(context);
});

afterAll(async () => {
  await moto?.stop();
  if (!work) return;
  keepLogsAndClean(ROOT, work, ['sandbox.log', 'moto.log'], 'three-services-');
});

describe('sandbox: the seed’s three services behind two load balancers on the emulated AWS', () => {
  it('applies every synthesized resource of network, data and service', () => {
    expect(firstApplySummaries(context, deployed)).toEqual(expectedFirstApply(context));
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
    const allowed = (type: string) => EMULATOR_GAPS.filter((g) => g.resourceTypes.includes(type)).flatMap((g) => g.driftAttributes ?? []);
    const drifts = replan(stackDir('service'));
    const unexplained = drifts.filter((d) => d.attributes.length === 0 || d.attributes.some((a) => !allowed(d.type).includes(a)));
    const replacedServices = drifts.filter((d) => d.type === 'aws_ecs_service' && d.actions.join() === 'delete,create').length;
    // One replacement per ECS service (the capacity-provider read-back), and the zone's VPC.
    expect([unexplained, replacedServices, drifts.filter((d) => d.type === 'aws_route53_zone').map((d) => d.attributes)]).toEqual([[], 3, [['vpc']]]);
  });

  it('tears down with the documented procedure, the service deploy standing aside for the private-zone gap, and leaves nothing of ours', async () => {
    const steps = await destroySandbox(context);
    expect(steps.find((s) => s.step === 'service unprotect')?.summary).toBe('stood aside for the emulator gap route53-private-zone');
    const left = await inventory({ endpoint: moto.url, region: config().region, namePrefix: physicalName(config()), tags: config().tags });
    expect([Object.values(left).flat(), SANDBOX_STACKS.map((stack) => stateResourceCount(config(), stack))]).toEqual([[], [0, 0, 0]]);
  });
});
