/** Synthesized cdktf JSON in tests, read through stacks/lib/tf-json by construct path instead of by generated logical ids. */
import { Testing } from 'cdktf';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { AppConfig } from '../../stacks/settings/config';
import { buildApp } from '../../app';
import { loadSeedData } from '../../stacks/seed';
import { pathFromLogicalId, TfDocument, type ReadOptions, type TfElement, type TfJson } from '../../stacks/lib/tf-json';

export { ref } from '../../stacks/lib/tf-json';

/** A parsed cdk.tf.json document. */
export type SynthJson = TfJson;

// Testing.synth strips cdktf's `//` metadata, where the construct path is recorded.
const TESTING_SYNTH: ReadOptions = { unrecordedPath: pathFromLogicalId };

/** Parses the string that Testing.synth / synthScope return. */
export function parse(synthesized: string): SynthJson {
  return JSON.parse(synthesized) as SynthJson;
}

/** Every resource of a type (all types when omitted). */
export function resources(json: SynthJson, type?: string): TfElement[] {
  return new TfDocument(json, TESTING_SYNTH).resources(...(type === undefined ? [] : [type]));
}

/** The one resource at a construct path (relative to the stack), or a clear failure. */
export function byPath(json: SynthJson, path: string): TfElement {
  return new TfDocument(json, TESTING_SYNTH).byPath(path);
}

/** The three stacks' JSON (and WordPress's when it is on) of the app as main.ts composes it, synthesized into a temporary folder that is removed. */
export function synthStacks(config: AppConfig): Record<'network' | 'data' | 'service', SynthJson> & { wordpress?: SynthJson } {
  const app = Testing.app();
  buildApp(app, config, loadSeedData(config.data.directory));
  app.synth();
  try {
    const read = (id: string) => parse(fs.readFileSync(path.join(app.outdir, 'stacks', id, 'cdk.tf.json'), 'utf8'));
    const wordpress = fs.existsSync(path.join(app.outdir, 'stacks', 'wordpress')) ? { wordpress: read('wordpress') } : {};
    return { network: read('network'), data: read('data'), service: read('service'), ...wordpress };
  } finally {
    fs.rmSync(app.outdir, { recursive: true, force: true });
  }
}
