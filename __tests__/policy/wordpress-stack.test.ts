/**
 * The wordpress stack has zero policy findings in every environment and variant: the network and
 * wordpress stacks are built as main.ts builds them and checked as synth's validation checks them,
 * listing every finding; the rule-breaking cases synthesize with validations on, as `cdktf synth`
 * does, and fail with the policy report.
 */
import { App } from 'cdktf';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildConfig, type ConfigOverrides } from '../../stacks/settings/config';
import { NetworkStack } from '../../stacks/network-stack';
import type { WordPressOverrides } from '../../stacks/settings/wordpress';
import { WordPressStack } from '../../stacks/wordpress-stack';
import { forEnvironment } from '../support/certificates';
import { policyFindings } from '../support/policy-findings';

const ROOT = path.resolve(__dirname, '../..');
const CERTIFICATE = 'arn:aws:acm:eu-west-1:123456789012:certificate/0d8f2a7e-1b2c-4d5e-8f90-123456789abc';
const REGISTRY: WordPressOverrides = {
  images: { nginx: { kind: 'registry', reference: 'ghcr.io/acme/wp-nginx:1' }, php: { kind: 'registry', reference: 'ghcr.io/acme/wp-php:1' } },
};

/** The network and wordpress stacks of main.ts in a new app. */
function composeApp(env: string, wordpress: WordPressOverrides, overrides: ConfigOverrides, app: App) {
  const config = buildConfig(env, forEnvironment(env, { ...overrides, wordpress: { enabled: true, ...wordpress } }), ROOT);
  const networkStack = new NetworkStack(app, 'network', { config });
  return [networkStack, new WordPressStack(app, 'wordpress', { config, network: networkStack.network, alarmTopicArn: networkStack.alarmTopic?.topicArn })];
}

/** Every policy finding of the network and wordpress stacks. */
const findingsOf = (env: string, wordpress: WordPressOverrides, overrides: ConfigOverrides = {}): string[] =>
  policyFindings(composeApp(env, wordpress, overrides, new App({ outdir: path.join(os.tmpdir(), 'policy-unwritten'), stackTraces: false, skipValidation: true })));

/** The network and wordpress stacks of main.ts, synthesized into a temporary directory with validations on. */
function synthApp(env: string, wordpress: WordPressOverrides, overrides: ConfigOverrides = {}): void {
  const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'policy-wordpress-')), stackTraces: false });
  composeApp(env, wordpress, overrides, app);
  try {
    app.synth();
  } finally {
    fs.rmSync(app.outdir, { recursive: true, force: true });
  }
}

const VARIANTS: Record<string, () => [WordPressOverrides, ConfigOverrides?]> = {
  'the defaults': () => [{}],
  'published images': () => [REGISTRY],
  'HTTPS with a certificate': () => [{ ...REGISTRY, certificateArn: CERTIFICATE }],
  'ECS Exec (writable roots, suppressed with a reason)': () => [{ ...REGISTRY, enableExecuteCommand: true }],
  'no autoscaling': () => [{ ...REGISTRY, scaling: null }],
  'tasks in public subnets and no NAT': () => [{ ...REGISTRY, subnets: 'public' }, { network: { natMode: 'none' } }],
  'an S3 state backend': () => [REGISTRY, { backend: { kind: 's3', bucket: 'acme-tf-state', region: 'eu-west-1', keyPrefix: 'bookmarks' } }],
};

describe.each(['local', 'dev', 'prod', 'sandbox'])('%s', (env) => {
  it.each(Object.keys(VARIANTS))('composes network and wordpress with %s and no policy findings', (variant) => {
    const [wordpress, overrides] = VARIANTS[variant]();
    expect(findingsOf(env, wordpress, overrides)).toEqual([]);
  });
});

describe('a WordPress configuration that breaks a rule', () => {
  it('is listed, with its stack, rule and address, by the check the matrix above runs', () => {
    expect(findingsOf('prod', { ...REGISTRY, fileSystem: { backups: false } })).toEqual([expect.stringMatching(/^wordpress: EFS005 aws_efs_file_system\.\S+: .*no backup policy/)]);
  });

  it('fails synth with the finding: no file-system backups in prod', () => {
    expect(() => synthApp('prod', { ...REGISTRY, fileSystem: { backups: false } })).toThrow(/EFS005 aws_efs_file_system\.\S+ \(files\/file-system\)[\s\S]*no backup policy/);
  });

  it('fails synth with the finding: a database without deletion protection in prod', () => {
    expect(() => synthApp('prod', { ...REGISTRY, database: { deletionProtection: false } })).toThrow(
      /RDS003 aws_rds_cluster\.\S+ \(database\/cluster\)[\s\S]*deletion protection is off/,
    );
  });
});
