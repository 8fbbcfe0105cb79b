/**
 * Every stack of the app, in every environment and service variant, synthesizes with zero policy
 * findings. The app is built as main.ts builds it and synthesized with validations on, as
 * `cdktf synth` does, so a finding fails the test with the policy report as its message.
 */
import { App } from 'cdktf';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildConfig, type ConfigOverrides, loadConfig } from '../../stacks/settings/config';
import { DataStack } from '../../stacks/data-stack';
import { NetworkStack } from '../../stacks/network-stack';
import { loadSeedData } from '../../stacks/seed';
import { ServiceStack } from '../../stacks/service-stack';
import { DEMO_IMAGE } from '../../stacks/settings/service';
import { forEnvironment } from '../support/certificates';

const ROOT = path.resolve(__dirname, '../..');
const CERTIFICATE = 'arn:aws:acm:eu-west-1:123456789012:certificate/0d8f2a7e-1b2c-4d5e-8f90-123456789abc';
const S3_STATE = { kind: 's3', bucket: 'acme-tf-state', region: 'eu-west-1', keyPrefix: 'bookmarks' } as const;

/** main.ts's composition, with the app's output in a temporary directory. */
function synthApp(env: string, overrides: ConfigOverrides): void {
  const config = buildConfig(env, forEnvironment(env, overrides), ROOT);
  const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'policy-')), stackTraces: false });
  const networkStack = new NetworkStack(app, 'network', { config });
  const dataStack = new DataStack(app, 'data', { config, seed: loadSeedData(config.data.directory), alarmTopicArn: networkStack.alarmTopic?.topicArn });
  new ServiceStack(app, 'service', { config, network: networkStack.network, tables: dataStack.tables, alarmTopicArn: networkStack.alarmTopic?.topicArn });
  try {
    app.synth();
  } finally {
    fs.rmSync(app.outdir, { recursive: true, force: true });
  }
}

/** The three services of docs/examples/three-services.json, as loadConfig reads them for `env`. */
const threeServices = (env: string): ConfigOverrides => {
  // prod refuses the file's plain-HTTP service on its own; read with a public name, the services are the file's.
  const publicName = env === 'prod' ? { CDKTF_PUBLIC_ZONE_ID: 'Z0123456789ABCDEFGHIJ', CDKTF_PUBLIC_RECORD_NAME: 'shop.example.com' } : {};
  const { service } = loadConfig({ CDKTF_ENV: env, CDKTF_SERVICES_FILE: 'docs/examples/three-services.json', ...publicName }, ROOT);
  return { service: { services: service.services, servicesSource: service.servicesSource } };
};

const VARIANTS: Record<string, (env: string) => ConfigOverrides> = {
  defaults: () => ({}),
  'a registry image': () => ({ service: { defaultService: { image: { kind: 'registry', reference: DEMO_IMAGE } } } }),
  'an image built from service/': () => ({ service: { defaultService: { image: { kind: 'build', contextDirectory: path.join(ROOT, 'service'), dockerfile: 'Dockerfile' } } } }),
  'HTTPS with a certificate': () => ({ service: { defaultService: { external: { port: 443, certificateArn: CERTIFICATE } } } }),
  'an S3 state backend': () => ({ backend: S3_STATE }),
  'an internal-only service': () => ({ service: { defaultService: { internal: { port: 80 }, external: null } } }),
  'ECS Exec (writable root, suppressed with a reason)': () => ({ service: { defaultService: { enableExecuteCommand: true, container: { readonlyRootFilesystem: false } } } }),
  'tasks in public subnets and no NAT': () => ({ network: { natMode: 'none' }, service: { defaultService: { subnets: 'public' } } }),
  'the three-service file': threeServices,
  'the three-service file with a public name and certificate': (env) => ({
    service: { ...threeServices(env).service, dns: { publicZoneId: 'Z0123456789ABCDEFGHIJ', publicRecordName: 'shop.example.com' } },
  }),
};

describe.each(['local', 'dev', 'prod', 'sandbox'])('%s', (env) => {
  it.each(Object.keys(VARIANTS))('synthesizes network, data and service with %s and no policy findings', (variant) => {
    expect(() => synthApp(env, VARIANTS[variant](env))).not.toThrow();
  });
});

describe('a configuration that breaks a rule', () => {
  it('fails synth of the real app with the finding in the report', () => {
    const unprotected: ConfigOverrides = { service: { loadBalancers: { deletionProtection: false } } };
    expect(() => synthApp('prod', unprotected)).toThrow(/ALB003 aws_lb\.\S+ \(alb\/[\w-]+\)[\s\S]*deletion protection is off in prod/);
  });

  it('fails synth of tables without deletion protection outside a teardown', () => {
    expect(() => synthApp('prod', { data: { deletionProtection: false, preventDestroy: false } })).toThrow(/DDB003[\s\S]*DDB004/);
  });
});

describe('the teardown configuration (CDKTF_TEARDOWN=true)', () => {
  it.each(['dev', 'prod', 'sandbox'])('synthesizes %s with every protection against destroy off and no policy findings', (env) => {
    expect(() => synthApp(env, { teardown: true })).not.toThrow();
  });
});
