/**
 * Real Terraform on the synthesized service stack in registry-image mode: no Docker provider and
 * no AWS lookups, so it initialises from the mirrored AWS provider alone and validates offline.
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
import { init, requireTerraform, terraform } from '../../scripts/lib/terraform';

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

/** Synthesizes the app with all three stacks and copies the service stack into its own directory. */
function synthesizeService(environment: 'dev' | 'prod', service: ServiceStackOverrides): string {
  const config = buildConfig(environment, { backend: { kind: 'local', directory: path.join(stateRoot, environment) }, aws: { offline: true }, service }, ROOT);
  const app = Testing.app();
  const network = new NetworkStack(app, 'network', { config });
  const data = new DataStack(app, 'data', { config, seed: loadSeedData(config.data.directory), alarmTopicArn: network.alarmTopic?.topicArn });
  new ServiceStack(app, 'service', { config, network: network.network, tables: data.tables, alarmTopicArn: network.alarmTopic?.topicArn });
  app.synth();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `service-${environment}-`));
  fs.copyFileSync(path.join(app.outdir, 'stacks', 'service', 'cdk.tf.json'), path.join(dir, 'cdk.tf.json'));
  fs.rmSync(app.outdir, { recursive: true, force: true });
  return dir;
}

beforeAll(() => {
  requireTerraform();
});

describe.each([
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
] as const)('the %s service stack of %s in registry mode', (environment, _variant, service) => {
  let dir: string;
  beforeAll(() => {
    dir = synthesizeService(environment, service());
    init(dir);
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('needs no Docker provider', () => {
    const lock = fs.readFileSync(path.join(dir, '.terraform.lock.hcl'), 'utf8');
    expect([lock.includes('hashicorp/aws'), lock.includes('docker')]).toEqual([true, false]);
  });

  it('passes terraform validate', () => {
    const result = terraform(dir, ['validate', '-json'], false);
    expect(JSON.parse(result.stdout)).toMatchObject({ valid: true, error_count: 0 });
  });
});
