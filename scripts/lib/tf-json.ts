/**
 * Reading synthesized Terraform JSON (cdk.tf.json): its shape, and the `${type.name.attr}` references
 * between its resources and to the outputs of other stacks. Pure functions; nothing here reads files.
 */

/** Resources or data sources of one stack: type → logical id → arguments. */
export type BlocksByType = Readonly<Record<string, Readonly<Record<string, Readonly<Record<string, unknown>>>>>>;

/** One output of a stack. */
export interface OutputJson {
  readonly value?: unknown;
  readonly description?: unknown;
  readonly sensitive?: unknown;
}

/** Terraform JSON of one synthesized stack, as far as the diagram reads it. */
export interface StackJson {
  readonly resource?: BlocksByType;
  readonly data?: BlocksByType;
  readonly output?: Readonly<Record<string, OutputJson>>;
  readonly provider?: Readonly<Record<string, unknown>>;
  /** The `terraform` block: backend and required providers. */
  readonly terraform?: Readonly<Record<string, unknown>>;
}

/** One resource of a stack. */
export interface TfResource {
  /** `type.logicalId`, as other resources reference it. */
  readonly address: string;
  readonly type: string;
  readonly logicalId: string;
  /** Construct path without the stack, e.g. `vpc/private-eu-west-1a`; the logical id when not recorded. */
  readonly path: string;
  readonly props: Readonly<Record<string, unknown>>;
}

/** A reference to an attribute of a resource of the same stack. */
export interface ResourceRef {
  readonly address: string;
  readonly attribute?: string;
}

/** A read of another stack's output through `data.terraform_remote_state.<block>.outputs.<output>`. */
export interface RemoteRead {
  readonly block: string;
  readonly output: string;
}

/** Whether a value is a plain JSON object. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A nested block as a list: cdktf writes a single block as an object and several as an array. */
export function blocks(value: unknown): Record<string, unknown>[] {
  if (Array.isArray(value)) return value.filter(isRecord);
  return isRecord(value) ? [value] : [];
}

/** A string known at synth time (no `${...}` token), or undefined. */
export function literal(value: unknown): string | undefined {
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return typeof value === 'string' && !value.includes('${') ? value : undefined;
}

/** A number known at synth time (cdktf writes some numbers as strings), or undefined. */
export function literalNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && /^\d+(\.\d+)?$/.test(value)) return Number(value);
  return undefined;
}

/**
 * Checks that a parsed cdk.tf.json has the shape the diagram reads, so that a truncated or foreign file
 * fails with the file and JSON path instead of a TypeError later.
 */
export function asStackJson(value: unknown, file: string): StackJson {
  const fail = (where: string, got: unknown, expected: string): never => {
    const kind = Array.isArray(got) ? 'an array' : got === null ? 'null' : `a ${typeof got}`;
    throw new Error(`${file}: ${where} is ${kind}, expected ${expected}; re-synthesize the app (npx cdktf synth) or point --input at a cdktf.out directory`);
  };
  if (!isRecord(value)) return fail('the document', value, 'a JSON object');
  for (const section of ['resource', 'data'] as const) {
    const byType = value[section];
    if (byType === undefined) continue;
    if (!isRecord(byType)) return fail(section, byType, 'an object of types');
    for (const [type, byId] of Object.entries(byType)) {
      if (!isRecord(byId)) return fail(`${section}.${type}`, byId, 'an object of blocks by logical id');
      for (const [id, props] of Object.entries(byId)) {
        if (!isRecord(props)) return fail(`${section}.${type}.${id}`, props, 'an object of arguments');
      }
    }
  }
  if (value.output !== undefined) {
    if (!isRecord(value.output)) return fail('output', value.output, 'an object of outputs');
    for (const [name, output] of Object.entries(value.output)) {
      if (!isRecord(output)) return fail(`output.${name}`, output, 'an object with a value');
    }
  }
  return value as StackJson;
}

/** Every resource of a stack, sorted by address. */
export function stackResources(json: StackJson): TfResource[] {
  return Object.entries(json.resource ?? {})
    .flatMap(([type, byId]) =>
      Object.entries(byId).map(([logicalId, props]) => {
        const meta = props['//'];
        const path = isRecord(meta) && isRecord(meta.metadata) && typeof meta.metadata.path === 'string' ? meta.metadata.path.split('/').slice(1).join('/') : logicalId;
        return { address: `${type}.${logicalId}`, type, logicalId, path, props };
      }),
    )
    .sort((a, b) => compare(a.address, b.address));
}

/** Every string inside a value, skipping cdktf's `//` metadata and `depends_on` (addresses, not reads). */
function strings(value: unknown, into: string[] = []): string[] {
  if (typeof value === 'string') into.push(value);
  else if (Array.isArray(value)) value.forEach((v) => strings(v, into));
  else if (isRecord(value)) {
    for (const [key, v] of Object.entries(value)) if (key !== '//' && key !== 'depends_on') strings(v, into);
  }
  return into;
}

// `type.name` or `type.name.attribute` inside an expression; data sources (`data.x.y`) are matched as a
// whole too, and dropped because `data` is no resource type.
const TRAVERSAL = /(?<![A-Za-z0-9_.-])([A-Za-z][A-Za-z0-9_]*)\.([A-Za-z0-9_-]+)(?:\.([A-Za-z_][A-Za-z0-9_]*))?/g;
const REMOTE_READ = /data\.terraform_remote_state\.([A-Za-z0-9_-]+)\.outputs\.([A-Za-z0-9_-]+)/g;

/** The references in a value to resources whose addresses are in `known`, in order of appearance, without repeats. */
export function resourceRefs(value: unknown, known: ReadonlySet<string>): ResourceRef[] {
  const seen = new Set<string>();
  const refs: ResourceRef[] = [];
  for (const text of strings(value)) {
    if (!text.includes('${')) continue;
    for (const m of text.matchAll(TRAVERSAL)) {
      const address = `${m[1]}.${m[2]}`;
      const key = `${address}.${m[3] ?? ''}`;
      if (!known.has(address) || seen.has(key)) continue;
      seen.add(key);
      refs.push(m[3] === undefined ? { address } : { address, attribute: m[3] });
    }
  }
  return refs;
}

/** The other stacks' outputs that a value reads, without repeats. */
export function remoteReads(value: unknown): RemoteRead[] {
  const seen = new Set<string>();
  const reads: RemoteRead[] = [];
  for (const text of strings(value)) {
    for (const m of text.matchAll(REMOTE_READ)) {
      const key = `${m[1]}\u0000${m[2]}`;
      if (seen.has(key)) continue;
      seen.add(key);
      reads.push({ block: m[1], output: m[2] });
    }
  }
  return reads;
}

/** Locale-independent string order, so that output never depends on the machine. */
export function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
