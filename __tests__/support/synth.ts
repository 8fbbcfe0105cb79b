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

/**
 * `synthesize` with each distinct argument list (compared as JSON) synthesized once per test file,
 * for tests that only read what it returns. It returns a string, so no test can change what another
 * reads. Arguments that hold a function have no JSON to compare, so those calls always synthesize.
 */
export function synthesizedOnce<A extends readonly unknown[]>(synthesize: (...args: A) => string): (...args: A) => string {
  const synthesized = new Map<string, string>();
  return (...args: A) => {
    const key = jsonKey(args);
    if (key === undefined) return synthesize(...args);
    let text = synthesized.get(key);
    if (text === undefined) {
      text = synthesize(...args);
      synthesized.set(key, text);
    }
    return text;
  };
}

/** The JSON of plain data, or undefined when it holds a function (which JSON would silently drop). */
function jsonKey(value: unknown): string | undefined {
  let plain = true;
  const key = JSON.stringify(value, (_name, item: unknown) => {
    if (typeof item === 'function') plain = false;
    return item;
  });
  return plain ? key : undefined;
}

/** One stack of main.ts's app for a configuration, synthesized alone as Testing.synth does (nothing written, no validations): for tests of that stack's own resources. */
export function synthAppStack(config: AppConfig, id: 'network' | 'data' | 'service'): SynthJson {
  const stacks = buildApp(Testing.app(), config, loadSeedData(config.data.directory));
  return parse(Testing.synth(stacks[id]));
}

/** Each stack's cdk.tf.json text of main.ts's app for a configuration, written to a temporary folder that is removed. */
const synthStackTexts = synthesizedOnce((config: AppConfig): string => {
  const app = Testing.app();
  buildApp(app, config, loadSeedData(config.data.directory));
  app.synth();
  try {
    const stacksDir = path.join(app.outdir, 'stacks');
    return JSON.stringify(Object.fromEntries(fs.readdirSync(stacksDir).map((id) => [id, fs.readFileSync(path.join(stacksDir, id, 'cdk.tf.json'), 'utf8')])));
  } finally {
    fs.rmSync(app.outdir, { recursive: true, force: true });
  }
});

/**
 * The three stacks' JSON (and WordPress's when it is on) of the app as main.ts composes it. A
 * configuration is synthesized once per test file; each call parses its own copy.
 */
export function synthStacks(config: AppConfig): Record<'network' | 'data' | 'service', SynthJson> & { wordpress?: SynthJson } {
  const texts = JSON.parse(synthStackTexts(config)) as Record<string, string>;
  const read = (id: string) => parse(texts[id]);
  const wordpress = 'wordpress' in texts ? { wordpress: read('wordpress') } : {};
  return { network: read('network'), data: read('data'), service: read('service'), ...wordpress };
}

/** The text of the shared config file a synthesized provider block names, or undefined when it names none. */
export function profileFileText(provider: Record<string, unknown> | undefined): string | undefined {
  const files = provider?.shared_config_files;
  return Array.isArray(files) && files.length === 1 ? fs.readFileSync(String(files[0]), 'utf8') : undefined;
}
