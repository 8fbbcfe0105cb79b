/**
 * Real Terraform on the synthesized stacks, without an emulator: the network stack (three
 * variants) validates and plans offline with fake credentials; the service stack (four variants,
 * registry-image mode: no Docker provider, no AWS lookups), the wordpress stack of the real app
 * (`node .build/main.js`, as cdktf runs it; dev and prod, registry mode) and the storage
 * constructs' small stack (throwaway and protected settings) validate. Every variant is a module of
 * one root, so one init and one plan serve them all: the plan targets the network variants, and its
 * validate walk covers every module, the untargeted ones included (the service and wordpress
 * stacks read other stacks' state, which an offline plan cannot). Each Terraform command pays a
 * fixed few seconds for the AWS provider's schema. The applies of these stacks to the emulated AWS
 * are the sandbox suite's (`__tests__/sandbox/`).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Testing } from 'cdktf';
import { buildConfig, loadConfig, type NatMode } from '../../stacks/settings/config';
import { DataStack } from '../../stacks/data-stack';
import { NetworkStack } from '../../stacks/network-stack';
import { loadSeedData } from '../../stacks/seed';
import type { ServiceStackOverrides } from '../../stacks/settings/service';
import { ServiceStack } from '../../stacks/service-stack';
import { countByType, requireTerraform, type PlannedChange } from '../../scripts/lib/terraform';
import { forEnvironment } from '../support/certificates';
import { ensureWorktreeAppBuilt } from '../support/scratch-project';
import { storageStack } from '../support/storage-stack';
import { ModulesRoot, type PlanAndValidation } from '../support/terraform-modules';

jest.setTimeout(600_000);

const REPO = path.resolve(__dirname, '../..');
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'stacks-terraform-'));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

const REGISTRY_IMAGE = { kind: 'registry', reference: 'public.ecr.aws/nginx/nginx:stable' } as const;
/** WordPress's service stack is not under test: a published image keeps Docker out of dev and prod. */
const SERVICE_IMAGE = `registry:${REGISTRY_IMAGE.reference}`;

// ---- The network stack ----

function synthesizeNetwork(environment: 'dev' | 'prod', natMode?: NatMode): string {
  const config = buildConfig(
    environment,
    forEnvironment(environment, {
      backend: { kind: 'local', directory: path.join(scratch, 'network-state', environment) },
      aws: { offline: true },
      network: natMode ? { natMode } : {},
    }),
  );
  return Testing.synth(new NetworkStack(Testing.app(), 'network', { config }));
}

// ---- The service stack ----

/**
 * The services of the example file with every `build` image swapped for a registry image (the
 * Docker provider is not mirrored here), the catalog wiring kept.
 */
function threeServicesInRegistryMode(environment: string): ServiceStackOverrides {
  const { service } = loadConfig({ CDKTF_ENV: environment, CDKTF_SERVICES_FILE: 'docs/examples/three-services.json' }, REPO);
  return { services: service.services.map((s) => ({ ...s, image: REGISTRY_IMAGE })), servicesSource: service.servicesSource };
}

/** Synthesizes the app with all three stacks and returns the service stack's `cdk.tf.json`. */
function synthesizeService(environment: 'dev' | 'prod', service: ServiceStackOverrides): string {
  const config = buildConfig(environment, { backend: { kind: 'local', directory: path.join(scratch, 'service-state', environment) }, aws: { offline: true }, service }, REPO);
  const app = Testing.app();
  const network = new NetworkStack(app, 'network', { config });
  const data = new DataStack(app, 'data', { config, seed: loadSeedData(config.data.directory), alarmTopicArn: network.alarmTopic?.topicArn });
  new ServiceStack(app, 'service', { config, network: network.network, tables: data.tables, alarmTopicArn: network.alarmTopic?.topicArn });
  app.synth();
  const json = fs.readFileSync(path.join(app.outdir, 'stacks', 'service', 'cdk.tf.json'), 'utf8');
  fs.rmSync(app.outdir, { recursive: true, force: true });
  return json;
}

const SERVICE_VARIANTS = [
  ['dev', 'the default service', () => ({ defaultService: { image: REGISTRY_IMAGE } })],
  [
    'prod',
    'the default service with HTTPS',
    () => ({ defaultService: { image: REGISTRY_IMAGE, external: { port: 443, certificateArn: 'arn:aws:acm:eu-west-1:123456789012:certificate/abc' } } }),
  ],
  ['dev', 'the three-service file', () => threeServicesInRegistryMode('dev')],
  [
    'dev',
    'the three-service file with a public name',
    () => ({ ...threeServicesInRegistryMode('dev'), dns: { publicZoneId: 'Z0123456789ABCDEFGHIJ', publicRecordName: 'shop.example.com' } }),
  ],
] as const;
/** The module folder of a service variant: `service-<index>`. */
const serviceModule = (variant: string): string => `service-${SERVICE_VARIANTS.findIndex(([, name]) => name === variant)}`;

// ---- The wordpress stack, through the real app ----

/**
 * Runs the app as cdktf does, from a new project directory (which holds its local state under
 * state/<env>/), with only these variables; returns that directory.
 */
function synthApp(name: string, variables: Record<string, string>): string {
  const project = fs.mkdtempSync(path.join(scratch, `${name}-`));
  const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', CDKTF_DATA_DIR: path.join(REPO, 'data'), ...variables };
  const result = spawnSync('node', [path.join(REPO, '.build', 'main.js')], { cwd: project, env, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`node .build/main.js failed (exit ${result.status}):\n${result.stderr}`);
  return project;
}
const stackDir = (project: string, stack: string) => path.join(project, 'cdktf.out', 'stacks', stack);
const stacksOf = (project: string) => fs.readdirSync(path.join(project, 'cdktf.out', 'stacks')).sort();
/** A stack's JSON with the project directory (state paths) written as `<project>`, so two projects compare. */
const stackJson = (project: string, stack: string) =>
  JSON.parse(
    fs
      .readFileSync(path.join(stackDir(project, stack), 'cdk.tf.json'), 'utf8')
      .split(project)
      .join('<project>'),
  );

const WORDPRESS = [
  ['dev', {}],
  ['prod', { CDKTF_WORDPRESS_CERTIFICATE_ARN: 'arn:aws:acm:eu-west-1:123456789012:certificate/abc', CDKTF_CERTIFICATE_ARN: 'arn:aws:acm:eu-west-1:123456789012:certificate/abc' }],
] as const;
const STORAGE = [
  ['throwaway', true],
  ['protected', false],
] as const;

// ---- One root, one init, one plan ----

const NETWORK = { 'network-dev': () => synthesizeNetwork('dev'), 'network-prod': () => synthesizeNetwork('prod'), 'network-no-nat': () => synthesizeNetwork('dev', 'none') };
let root: ModulesRoot;
let result: PlanAndValidation;

/** The plan of a network variant; fails with the invalid variants when the plan stopped at them. */
function plannedFor(name: keyof typeof NETWORK): PlannedChange[] {
  if (result.planned === undefined) throw new Error(result.planFailure);
  return result.planned[name];
}

beforeAll(() => {
  requireTerraform();
  // The app command's bundle, rebuilt only when a source changed (as `cdktf synth` would)
  ensureWorktreeAppBuilt();
  const stacks: Record<string, string> = Object.fromEntries(Object.entries(NETWORK).map(([name, synthesize]) => [name, synthesize()]));
  for (const [environment, variant, service] of SERVICE_VARIANTS) stacks[serviceModule(variant)] = synthesizeService(environment, service());
  for (const [environment, extra] of WORDPRESS) {
    const project = synthApp(environment, { CDKTF_ENV: environment, CDKTF_WORDPRESS: 'true', CDKTF_WORDPRESS_IMAGES: 'registry', CDKTF_IMAGE: SERVICE_IMAGE, ...extra });
    stacks[`wordpress-${environment}`] = fs.readFileSync(path.join(stackDir(project, 'wordpress'), 'cdk.tf.json'), 'utf8');
  }
  for (const [name, disposable] of STORAGE) {
    stacks[`storage-${name}`] = Testing.synth(storageStack({ disposable, statePath: path.join(scratch, `storage-${name}.tfstate`) }).stack);
  }
  root = new ModulesRoot(stacks, 'stacks-');
  result = root.validateAndPlan(Object.keys(NETWORK));
});
afterAll(() => root?.remove());

describe('one root for every variant', () => {
  // One lock file serves every variant: had any variant needed the Docker provider, init would have locked it.
  it('needs the AWS provider alone: no variant needs Docker', () => {
    const lock = root.lockFile();
    expect([lock.includes('hashicorp/aws'), lock.includes('docker')]).toEqual([true, false]);
  });
});

describe.each([
  ['dev', 'single', 2, 1],
  ['prod', 'per-az', 3, 3],
] as const)('the %s network (NAT %s)', (environment, natMode, zones, nats) => {
  it('passes terraform validate', () => {
    expect(result.validation[`network-${environment}`]).toMatchObject({ valid: true, error_count: 0 });
  });

  it(`plans offline to create ${zones} zones of subnets and ${nats} NAT gateway(s)`, () => {
    const changes = plannedFor(`network-${environment}`);
    expect(changes.every((c) => c.actions.join() === 'create')).toBe(true);
    expect(countByType(changes)).toMatchObject({
      aws_vpc: 1,
      aws_subnet: zones * 2,
      aws_route_table: zones + 1,
      aws_nat_gateway: nats,
      aws_eip: nats,
      aws_route: 1 + zones,
    });
    expect(natMode).toBe(buildConfig(environment, forEnvironment(environment)).network.natMode);
    // prod records VPC flow logs: the flow log, its log group, role and role policy.
    const flowLogTypes = ['aws_flow_log', 'aws_cloudwatch_log_group', 'aws_iam_role', 'aws_iam_role_policy'];
    expect(flowLogTypes.map((type) => countByType(changes)[type] ?? 0)).toEqual(environment === 'prod' ? [1, 1, 1, 1] : [0, 0, 0, 0]);
  });
});

describe('a network with no NAT', () => {
  it('validates, with only the public default route', () => {
    expect(result.validation['network-no-nat']).toMatchObject({ valid: true, error_count: 0 });
    expect(countByType(plannedFor('network-no-nat'))).toMatchObject({ aws_route: 1, aws_vpc_endpoint: 2 });
    expect(countByType(plannedFor('network-no-nat')).aws_nat_gateway).toBeUndefined();
  });
});

describe.each(SERVICE_VARIANTS)('the %s service stack of %s in registry mode', (_environment, variant) => {
  it('needs no Docker provider', () => {
    expect(root.requiredProviders(serviceModule(variant))).toEqual(['aws']);
  });

  it('passes terraform validate', () => {
    expect(result.validation[serviceModule(variant)]).toMatchObject({ valid: true, error_count: 0 });
  });
});

describe('main.ts', () => {
  let plain: string;
  let withWordPress: string;
  beforeAll(() => {
    plain = synthApp('plain', {});
    withWordPress = synthApp('wordpress', { CDKTF_WORDPRESS: 'true' });
  });

  it('synthesizes network, data and service, and no wordpress stack, by default', () => {
    expect(stacksOf(plain)).toEqual(['data', 'network', 'service']);
  });

  it('adds the wordpress stack with CDKTF_WORDPRESS=true', () => {
    expect(stacksOf(withWordPress)).toEqual(['data', 'network', 'service', 'wordpress']);
  });

  it('turning WordPress on changes no resource of the other stacks (the network only gains outputs for it)', () => {
    expect([stackJson(withWordPress, 'data'), stackJson(withWordPress, 'service')]).toEqual([stackJson(plain, 'data'), stackJson(plain, 'service')]);
    expect(stackJson(withWordPress, 'network').resource).toEqual(stackJson(plain, 'network').resource);
  });
});

describe.each(WORDPRESS)('the %s wordpress stack in registry mode %j', (environment) => {
  it('needs no Docker provider', () => {
    expect(root.requiredProviders(`wordpress-${environment}`)).toEqual(['aws']);
  });

  it('passes terraform validate', () => {
    expect(result.validation[`wordpress-${environment}`]).toMatchObject({ valid: true, error_count: 0 });
  });
});

describe.each(STORAGE)('the storage constructs’ stack with %s settings', (name) => {
  it('passes terraform validate', () => {
    expect(result.validation[`storage-${name}`]).toMatchObject({ valid: true, error_count: 0 });
  });
});
