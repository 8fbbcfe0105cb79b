/**
 * Real Terraform on the synthesized service stack in registry-image mode: no Docker provider and
 * no AWS lookups, so it initialises from the mirrored AWS provider alone and validates offline.
 * The four variants are modules of one root, so one init and one validate serve them all.
 */
import { Testing } from 'cdktf';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildConfig, loadConfig } from '../../stacks/settings/config';
import { DataStack } from '../../stacks/data-stack';
import { NetworkStack } from '../../stacks/network-stack';
import { loadSeedData } from '../../stacks/seed';
import type { ServiceStackOverrides } from '../../stacks/settings/service';
import { ServiceStack } from '../../stacks/service-stack';
import { requireTerraform } from '../../scripts/lib/terraform';
import { ModulesRoot, type ModuleValidation } from '../support/terraform-modules';

jest.setTimeout(180_000);

const ROOT = path.resolve(__dirname, '../..');
const stateRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'service-state-'));
afterAll(() => fs.rmSync(stateRoot, { recursive: true, force: true }));

const REGISTRY_IMAGE = { kind: 'registry', reference: 'public.ecr.aws/nginx/nginx:stable' } as const;

/**
 * The services of the example file with every `build` image swapped for a registry image (the
 * Docker provider is not mirrored here), the catalog wiring kept.
 */
function threeServicesInRegistryMode(environment: string): ServiceStackOverrides {
  const { service } = loadConfig({ CDKTF_ENV: environment, CDKTF_SERVICES_FILE: 'docs/examples/three-services.json' }, ROOT);
  return { services: service.services.map((s) => ({ ...s, image: REGISTRY_IMAGE })), servicesSource: service.servicesSource };
}

/** Synthesizes the app with all three stacks and returns the service stack's `cdk.tf.json`. */
function synthesizeService(environment: 'dev' | 'prod', service: ServiceStackOverrides): string {
  const config = buildConfig(environment, { backend: { kind: 'local', directory: path.join(stateRoot, environment) }, aws: { offline: true }, service }, ROOT);
  const app = Testing.app();
  const network = new NetworkStack(app, 'network', { config });
  const data = new DataStack(app, 'data', { config, seed: loadSeedData(config.data.directory), alarmTopicArn: network.alarmTopic?.topicArn });
  new ServiceStack(app, 'service', { config, network: network.network, tables: data.tables, alarmTopicArn: network.alarmTopic?.topicArn });
  app.synth();
  const json = fs.readFileSync(path.join(app.outdir, 'stacks', 'service', 'cdk.tf.json'), 'utf8');
  fs.rmSync(app.outdir, { recursive: true, force: true });
  return json;
}

const VARIANTS = [
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
/** The module folder of a variant: `variant-<index>`. */
const moduleName = (variant: string): string => `variant-${VARIANTS.findIndex(([, name]) => name === variant)}`;

let root: ModulesRoot;
let validation: Record<string, ModuleValidation>;

beforeAll(() => {
  requireTerraform();
  root = new ModulesRoot(Object.fromEntries(VARIANTS.map(([environment, variant, service]) => [moduleName(variant), synthesizeService(environment, service())])), 'service-');
  validation = root.validate();
});
afterAll(() => root?.remove());

describe.each(VARIANTS)('the %s service stack of %s in registry mode', (_environment, variant) => {
  // One lock file serves every variant: had any variant needed the Docker provider, init would have locked it.
  it('needs no Docker provider', () => {
    const lock = root.lockFile();
    expect([lock.includes('hashicorp/aws'), lock.includes('docker'), root.requiredProviders(moduleName(variant))]).toEqual([true, false, ['aws']]);
  });

  it('passes terraform validate', () => {
    expect(validation[moduleName(variant)]).toMatchObject({ valid: true, error_count: 0 });
  });
});
