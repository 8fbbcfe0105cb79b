/**
 * Reading one synthesized stack's Terraform JSON (cdk.tf.json): its resources and data sources with
 * their construct paths, its outputs and backend, the `${type.name.attr}` references between its
 * elements, and the outputs of other stacks it reads by remote state. The policy engine, the scripts
 * and the tests all read synthesized JSON through this module. Pure functions of parsed JSON; nothing
 * here reads files or synthesizes.
 */

/** Arguments of one resource, data source or backend as synthesized (snake_case keys, `${...}` references). */
export type TfAttributes = Record<string, unknown>;

/** Resources or data sources of one stack: type → logical id → arguments. */
export type BlocksByType = Readonly<Record<string, Readonly<Record<string, TfAttributes>>>>;

/** One output of a stack. */
export interface TfOutput {
  readonly value?: unknown;
  readonly description?: unknown;
  readonly sensitive?: unknown;
}

/** A parsed cdk.tf.json document, as far as anything here reads it. */
export interface TfJson {
  readonly resource?: BlocksByType;
  readonly data?: BlocksByType;
  readonly output?: Readonly<Record<string, TfOutput>>;
  /** Provider type → its configurations (cdktf writes a list even for one). */
  readonly provider?: Readonly<Record<string, readonly TfAttributes[]>>;
  readonly terraform?: { readonly backend?: Readonly<Record<string, TfAttributes>> } & Readonly<Record<string, unknown>>;
  readonly moved?: readonly { readonly from: string; readonly to: string }[];
}

/** One resource or data source, addressed as Terraform addresses it. */
export interface TfElement {
  readonly mode: 'resource' | 'data';
  readonly type: string;
  readonly logicalId: string;
  /** `type.logicalId`, or `data.type.logicalId` for a data source. */
  readonly address: string;
  /** Construct path below the stack, e.g. `vpc/private-eu-west-1a`; see {@link ReadOptions.unrecordedPath}. */
  readonly path: string;
  readonly props: TfAttributes;
}

/** A reference to an attribute of a resource of the same stack. */
export interface ResourceRef {
  readonly address: string;
  readonly attribute?: string;
}

/** A `terraform_remote_state` data source: where a stack reads another stack's outputs from. */
export interface RemoteState {
  /** The block's logical id, e.g. `cross-stack-reference-input-network`. */
  readonly name: string;
  /** The backend kind, e.g. `local` or `s3`, when written literally. */
  readonly backend?: string;
  readonly config: TfAttributes;
}

/** A read of another stack's output through `data.terraform_remote_state.<block>.outputs.<output>`. */
export interface RemoteRead {
  readonly block: string;
  readonly output: string;
}

/** How to read the elements of a document. */
export interface ReadOptions {
  /**
   * The construct path of an element whose JSON records none. cdktf records it in `//`.metadata,
   * but `Testing.synth` strips that metadata.
   * @default - the logical id
   */
  readonly unrecordedPath?: (logicalId: string) => string;
}

/** Whether a value is a plain JSON object (not an array, not null). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// A nested block of at most one item synthesizes as an object or as a one-item list depending on the
// provider schema, so both shapes are accepted.

/** The single block of a nested-block attribute, in either shape. */
export function block(value: unknown): TfAttributes | undefined {
  if (Array.isArray(value)) return isRecord(value[0]) ? value[0] : undefined;
  return isRecord(value) ? value : undefined;
}

/** Every block of a nested-block attribute, in either shape. */
export function blocks(value: unknown): TfAttributes[] {
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
 * The construct path that cdktf recorded for an element, below the stack (the recorded path starts
 * with the stack id), or undefined when the JSON records none.
 */
export function recordedPath(props: TfAttributes): string | undefined {
  const comment = props['//'];
  const path = isRecord(comment) && isRecord(comment.metadata) ? comment.metadata.path : undefined;
  return typeof path === 'string' && path !== '' ? path.split('/').slice(1).join('/') : undefined;
}

/**
 * The construct path read back from a cdktf logical id (`vpc_public-default_404993E7` → `vpc/public-default`):
 * cdktf joins the path's ids with `_` and appends a hash, so this holds only while construct ids contain no `_`.
 */
export function pathFromLogicalId(logicalId: string): string {
  return logicalId
    .replace(/_[0-9A-F]{8}$/, '')
    .split('_')
    .join('/');
}

/** The Terraform reference `${type.logicalId.attribute}` of an element (`${data.type...}` for a data source). */
export function ref(element: Pick<TfElement, 'mode' | 'type' | 'logicalId'>, attribute = 'id'): string {
  return `\${${element.mode === 'data' ? 'data.' : ''}${element.type}.${element.logicalId}.${attribute}}`;
}

/**
 * `aws_vpc.x` for a string that is exactly one reference `${aws_vpc.x.id}` (or `data.t.x` for
 * `${data.t.x.json}`); undefined for literals and expressions.
 */
export function referenceAddress(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const match = /^\$\{((?:data\.)?[a-z0-9_]+\.[A-Za-z0-9_-]+)(?:\.[A-Za-z0-9_.[\]"*-]+)?\}$/.exec(value);
  return match?.[1];
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

/**
 * The references anywhere in a value (JSON-encoded strings included) to resources whose addresses
 * are in `known`, in order of appearance, without repeats.
 */
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

/** The other stacks' outputs that a value reads, in order of appearance, without repeats. */
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

/**
 * Checks that a parsed value has the shape of a cdk.tf.json document where it is read as one, so that a
 * truncated or foreign file fails with the file and JSON path instead of a TypeError later.
 * @param file how messages name the file
 * @param fix what the message tells the reader to do
 */
export function asTfJson(value: unknown, file: string, fix = 're-synthesize the app (npx cdktf synth)'): TfJson {
  const fail = (where: string, got: unknown, expected: string): never => {
    const kind = Array.isArray(got) ? 'an array' : got === null ? 'null' : `a ${typeof got}`;
    throw new Error(`${file}: ${where} is ${kind}, expected ${expected}; ${fix}`);
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
  return value as TfJson;
}

/** Indexed read access to one synthesized stack's document. */
export class TfDocument {
  /** Every resource, then every data source, in document order. */
  readonly elements: readonly TfElement[];
  private readonly byType = new Map<string, TfElement[]>();
  private readonly byAddress = new Map<string, TfElement>();
  private readonly resourceAddresses: ReadonlySet<string>;

  constructor(
    readonly json: TfJson,
    options: ReadOptions = {},
  ) {
    const unrecordedPath = options.unrecordedPath ?? ((logicalId: string) => logicalId);
    const elements: TfElement[] = [];
    for (const mode of ['resource', 'data'] as const) {
      for (const [type, byId] of Object.entries(json[mode] ?? {})) {
        const ofType = Object.entries(byId).map(([logicalId, props]): TfElement => {
          const address = mode === 'data' ? `data.${type}.${logicalId}` : `${type}.${logicalId}`;
          return { mode, type, logicalId, address, path: recordedPath(props) ?? unrecordedPath(logicalId), props };
        });
        this.byType.set(`${mode}:${type}`, ofType);
        elements.push(...ofType);
      }
    }
    this.elements = elements;
    for (const element of elements) this.byAddress.set(element.address, element);
    this.resourceAddresses = new Set(elements.filter((e) => e.mode === 'resource').map((e) => e.address));
  }

  /** Every resource of the given types, in document order; every resource when no type is given. */
  resources(...types: string[]): TfElement[] {
    return this.ofMode('resource', types);
  }

  /** Every data source of the given types, in document order; every data source when no type is given. */
  dataSources(...types: string[]): TfElement[] {
    return this.ofMode('data', types);
  }

  /** The element at a Terraform address (`type.id` or `data.type.id`), if the document has it. */
  element(address: string): TfElement | undefined {
    return this.byAddress.get(address);
  }

  /** The one resource at a construct path (relative to the stack), or an error listing the paths there are. */
  byPath(path: string): TfElement {
    const all = this.resources();
    const found = all.filter((r) => r.path === path);
    if (found.length !== 1) throw new Error(`expected one resource at "${path}", found ${found.length}; paths: ${all.map((r) => r.path).join(', ')}`);
    return found[0];
  }

  /** The element a reference such as `${aws_vpc.vpc_vpc_1234ABCD.id}` points to, if it is in the document. */
  referenced(value: unknown): TfElement | undefined {
    const address = referenceAddress(value);
    return address === undefined ? undefined : this.byAddress.get(address);
  }

  /** The references anywhere in a value to resources of this document (see {@link resourceRefs}). */
  references(value: unknown): ResourceRef[] {
    return resourceRefs(value, this.resourceAddresses);
  }

  /** The backend block, e.g. `{ kind: 's3', config: {...} }`, if the stack declares one. */
  backend(): { kind: string; config: TfAttributes } | undefined {
    const [entry] = Object.entries(this.json.terraform?.backend ?? {});
    return entry ? { kind: entry[0], config: entry[1] } : undefined;
  }

  /** The outputs the stack writes, by name, in document order. */
  outputs(): ({ name: string } & TfOutput)[] {
    return Object.entries(this.json.output ?? {}).map(([name, output]) => ({ name, ...output }));
  }

  /** The stack's `terraform_remote_state` data sources. */
  remoteStates(): RemoteState[] {
    return this.dataSources('terraform_remote_state').map((state) => ({
      name: state.logicalId,
      ...(typeof state.props.backend === 'string' ? { backend: state.props.backend } : {}),
      config: isRecord(state.props.config) ? state.props.config : {},
    }));
  }

  /** The other stacks' outputs that the resources, data sources and outputs of the stack read, without repeats. */
  remoteReads(): RemoteRead[] {
    const { resource, data, output } = this.json;
    return remoteReads({ resource, data: { ...data, terraform_remote_state: undefined }, output });
  }

  private ofMode(mode: TfElement['mode'], types: readonly string[]): TfElement[] {
    if (types.length === 0) return this.elements.filter((e) => e.mode === mode);
    return types.flatMap((type) => this.byType.get(`${mode}:${type}`) ?? []);
  }
}
