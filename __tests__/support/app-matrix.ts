/**
 * The app matrix: the configurations that between them synthesize every kind of resource the app
 * can deploy (each environment, WordPress, several services, a public name), read as main.ts reads
 * them, and what each synthesizes.
 */
import { App } from 'cdktf';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildApp } from '../../app';
import { BootstrapStack } from '../../stacks/bootstrap-stack';
import { loadSeedData } from '../../stacks/seed';
import { loadConfig } from '../../stacks/settings/config';
import type { TfJson } from '../../stacks/lib/tf-json';
import { CERTIFICATE_VARIABLES } from './certificates';

const ROOT = path.resolve(__dirname, '../..');
const PUBLIC_NAME = { CDKTF_PUBLIC_ZONE_ID: 'Z0123456789ABCDEFGHIJ', CDKTF_PUBLIC_RECORD_NAME: 'shop.example.com' };

/** The variables of each configuration of the matrix, by name. */
export const APP_MATRIX: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  sandbox: { CDKTF_ENV: 'sandbox' },
  dev: { CDKTF_ENV: 'dev', CDKTF_STATE_BUCKET: 'acme-tf-state' },
  'dev with WordPress': { CDKTF_ENV: 'dev', CDKTF_WORDPRESS: 'true' },
  'prod with WordPress and a CI role': {
    CDKTF_ENV: 'prod',
    CDKTF_WORDPRESS: 'true',
    CDKTF_CI_REPOSITORY: 'acme/bookmarks',
    CDKTF_STATE_BUCKET: 'acme-tf-state',
    ...CERTIFICATE_VARIABLES,
  },
  'prod with three services and a public name': { CDKTF_ENV: 'prod', CDKTF_SERVICES_FILE: 'docs/examples/three-services.json', ...PUBLIC_NAME },
};

/** Every stack's cdk.tf.json of one configuration of the matrix, by stack id. */
export function synthMatrixEntry(name: string): Record<string, TfJson> {
  return synthWithVariables(APP_MATRIX[name]);
}

/** Every stack's cdk.tf.json of the app main.ts builds from these variables, by stack id (synth validations on). */
export function synthWithVariables(variables: Readonly<Record<string, string>>): Record<string, TfJson> {
  const config = loadConfig({ ...variables }, ROOT);
  return synthesizedStacks((app) => buildApp(app, config, loadSeedData(config.data.directory)));
}

/**
 * The bootstrap stack's cdk.tf.json for these variables, synthesized without the other stacks (synth
 * validations on). The same document as `synthWithVariables(variables).bootstrap`: the app builds the
 * bootstrap stack from the configuration alone, and no other stack refers to it.
 */
export function synthBootstrapWithVariables(variables: Readonly<Record<string, string>>): TfJson {
  const config = loadConfig({ ...variables }, ROOT);
  return synthesizedStacks((app) => new BootstrapStack(app, 'bootstrap', { config })).bootstrap;
}

/** Every stack's cdk.tf.json of an app that `build` fills, by stack id, written to a temporary folder that is removed. */
function synthesizedStacks(build: (app: App) => unknown): Record<string, TfJson> {
  const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'matrix-')), stackTraces: false });
  build(app);
  app.synth();
  try {
    const stacksDir = path.join(app.outdir, 'stacks');
    return Object.fromEntries(fs.readdirSync(stacksDir).map((id) => [id, JSON.parse(fs.readFileSync(path.join(stacksDir, id, 'cdk.tf.json'), 'utf8')) as TfJson]));
  } finally {
    fs.rmSync(app.outdir, { recursive: true, force: true });
  }
}

/** The resource and data-source types of a stack's JSON, each as `resource.<type>` or `data.<type>`. */
export function typesOf(json: TfJson): string[] {
  const record = json as { resource?: Record<string, unknown>; data?: Record<string, unknown> };
  return [...Object.keys(record.resource ?? {}).map((t) => `resource.${t}`), ...Object.keys(record.data ?? {}).map((t) => `data.${t}`)];
}
