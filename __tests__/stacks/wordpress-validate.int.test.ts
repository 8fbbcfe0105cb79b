/**
 * The wordpress stack through the real app (`node .build/main.js`, as cdktf runs it) and real
 * Terraform, without an emulator: the default synth has no wordpress stack, and `terraform validate`
 * passes in registry mode (the Docker provider is not mirrored here); so does the storage constructs'
 * small stack, with throwaway and with protected settings (all four variants as modules of one
 * root: one init and one validate). The apply of the stacks to the emulated
 * AWS is __tests__/sandbox/wordpress-stack.sandbox.ts.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Testing } from 'cdktf';
import { storageStack } from '../support/storage-stack';
import { requireTerraform } from '../../scripts/lib/terraform';
import { ModulesRoot, type ModuleValidation } from '../support/terraform-modules';

jest.setTimeout(600_000);

const REPO = path.resolve(__dirname, '../..');
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'wordpress-int-'));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

/** The service stack is not under test: a published image keeps Docker out of dev and prod. */
const SERVICE_IMAGE = 'registry:public.ecr.aws/nginx/nginx:stable';

beforeAll(() => {
  requireTerraform();
  const built = spawnSync('node', [path.join(REPO, 'scripts', 'build-app.mjs')], { cwd: REPO, encoding: 'utf8' });
  if (built.status !== 0) throw new Error(`scripts/build-app.mjs failed: ${built.stderr}`);
});

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

/** The validate of every wordpress and storage variant below, as modules of one root: one init, one validate. */
let root: ModulesRoot;
let validation: Record<string, ModuleValidation>;
const WORDPRESS = [
  ['dev', {}],
  ['prod', { CDKTF_WORDPRESS_CERTIFICATE_ARN: 'arn:aws:acm:eu-west-1:123456789012:certificate/abc', CDKTF_CERTIFICATE_ARN: 'arn:aws:acm:eu-west-1:123456789012:certificate/abc' }],
] as const;
const STORAGE = [
  ['throwaway', true],
  ['protected', false],
] as const;

beforeAll(() => {
  const stacks: Record<string, string> = {};
  for (const [environment, extra] of WORDPRESS) {
    const project = synthApp(environment, { CDKTF_ENV: environment, CDKTF_WORDPRESS: 'true', CDKTF_WORDPRESS_IMAGES: 'registry', CDKTF_IMAGE: SERVICE_IMAGE, ...extra });
    stacks[`wordpress-${environment}`] = fs.readFileSync(path.join(stackDir(project, 'wordpress'), 'cdk.tf.json'), 'utf8');
  }
  for (const [name, disposable] of STORAGE) {
    stacks[`storage-${name}`] = Testing.synth(storageStack({ disposable, statePath: path.join(scratch, `storage-${name}.tfstate`) }).stack);
  }
  root = new ModulesRoot(stacks, 'wordpress-');
  validation = root.validate();
});
afterAll(() => root?.remove());

describe.each(WORDPRESS)('the %s wordpress stack in registry mode %j', (environment) => {
  // One lock file serves every variant: had any variant needed the Docker provider, init would have locked it.
  it('needs no Docker provider', () => {
    const lock = root.lockFile();
    expect([lock.includes('hashicorp/aws'), lock.includes('docker'), root.requiredProviders(`wordpress-${environment}`)]).toEqual([true, false, ['aws']]);
  });

  it('passes terraform validate', () => {
    expect(validation[`wordpress-${environment}`]).toMatchObject({ valid: true, error_count: 0 });
  });
});

describe.each(STORAGE)('the storage constructs’ stack with %s settings', (name) => {
  it('passes terraform validate', () => {
    expect(validation[`storage-${name}`]).toMatchObject({ valid: true, error_count: 0 });
  });
});
