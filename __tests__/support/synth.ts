/** Reads synthesized cdktf JSON by construct path instead of by generated logical ids. */
import { App, Testing } from 'cdktf';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { AppConfig } from '../../stacks/settings/config';
import { buildApp } from '../../app';
import { loadSeedData } from '../../stacks/seed';

/** One resource of a synthesized stack. */
export interface SynthResource {
  readonly type: string;
  readonly logicalId: string;
  /** Construct path without the stack prefix, e.g. `vpc/private-eu-west-1a-rt`. */
  readonly path: string;
  readonly props: Record<string, unknown>;
}

/** A parsed cdk.tf.json document. */
export type SynthJson = {
  resource?: Record<string, Record<string, Record<string, unknown>>>;
  data?: Record<string, Record<string, Record<string, unknown>>>;
  output?: Record<string, { value: unknown }>;
  terraform?: Record<string, unknown>;
  provider?: Record<string, Record<string, unknown>[]>;
};

/** Parses the string that Testing.synth / synthScope return. */
export function parse(synthesized: string): SynthJson {
  return JSON.parse(synthesized) as SynthJson;
}

/** Every resource of a type (all types when omitted). */
export function resources(json: SynthJson, type?: string): SynthResource[] {
  return Object.entries(json.resource ?? {})
    .filter(([t]) => type === undefined || t === type)
    .flatMap(([t, byId]) =>
      Object.entries(byId).map(([logicalId, props]) => {
        const meta = (props['//'] as { metadata?: { path?: string } } | undefined)?.metadata;
        // Stack synth records the construct path; synthScope does not, so it is read back from the
        // logical id (`vpc_public-default_404993E7`), which works because our ids never contain "_".
        const path = meta?.path
          ? meta.path.split('/').slice(1).join('/')
          : logicalId.replace(/_[0-9A-F]{8}$/, '').split('_').join('/');
        return { type: t, logicalId, path, props };
      }),
    );
}

/** The one resource at a construct path (relative to the stack), or a clear failure. */
export function byPath(json: SynthJson, path: string): SynthResource {
  const found = resources(json).filter((r) => r.path === path);
  if (found.length !== 1) {
    throw new Error(`expected one resource at "${path}", found ${found.length}; paths: ${resources(json).map((r) => r.path).join(', ')}`);
  }
  return found[0];
}

/** The Terraform reference `${type.logicalId.attribute}` of a resource. */
export function ref(resource: SynthResource, attribute = 'id'): string {
  return `\${${resource.type}.${resource.logicalId}.${attribute}}`;
}

/** The three stacks' JSON of the app as main.ts composes it, synthesized into a temporary folder that is removed. */
export function synthStacks(config: AppConfig): Record<'network' | 'data' | 'service', SynthJson> {
  const app = Testing.app() as App;
  buildApp(app, config, loadSeedData(config.data.directory));
  app.synth();
  try {
    const read = (id: string) => parse(fs.readFileSync(path.join(app.outdir, 'stacks', id, 'cdk.tf.json'), 'utf8'));
    return { network: read('network'), data: read('data'), service: read('service') };
  } finally {
    fs.rmSync(app.outdir, { recursive: true, force: true });
  }
}
