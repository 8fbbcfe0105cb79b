/**
 * What a synthesized `data` stack puts into DynamoDB (its tables, their keys and indexes, each seeded
 * item), and whether a DynamoDB still holds exactly that, compared the way Terraform's refresh
 * would: every seeded item present and equal, items the stack does not seed ignored. Pure: the
 * tables are described and scanned by scripts/data-unchanged.ts.
 */
import { blocks, isRecord, literal } from '../../stacks/lib/tf-json';
import { compare } from './compare';

/** A DynamoDB item in the wire format: attribute name → `{ "S": "x" }`, `{ "N": "1" }`, ... */
export type WireItem = Readonly<Record<string, unknown>>;

/** A table the stack declares, with the items it seeds. */
export interface SeededTableSpec {
  readonly name: string;
  readonly hashKey: string;
  readonly rangeKey?: string;
  /** Names of its global secondary indexes, sorted. */
  readonly indexes: readonly string[];
  readonly items: readonly WireItem[];
}

/** A table as DynamoDB describes it. */
export interface DescribedTable {
  readonly status: string;
  readonly hashKey: string;
  readonly rangeKey?: string;
  readonly indexes: readonly string[];
}

/** What DynamoDB holds for one table name: undefined `table` when there is no such table. */
export interface ObservedTable {
  readonly table?: DescribedTable;
  /** Every item a full scan returned. */
  readonly items: readonly WireItem[];
}

/** The resource types whose effect on DynamoDB {@link seededTables} reads completely. */
const READABLE_TYPES = new Set(['aws_dynamodb_table', 'aws_dynamodb_table_item']);

/**
 * The tables of a synthesized stack and their seeded items, or a reason (following "because") why
 * the stack writes something the check cannot see, e.g. a batch writer's `terraform_data`.
 */
export function seededTables(stack: unknown): SeededTableSpec[] | string {
  const resources = isRecord(stack) && isRecord(stack.resource) ? stack.resource : {};
  const unreadable = Object.keys(resources)
    .filter((type) => !READABLE_TYPES.has(type))
    .sort(compare);
  if (unreadable.length > 0) return `the stack seeds through ${unreadable.join(', ')}, whose writes the check cannot list`;

  const tables = new Map<string, { name: string; hashKey: string; rangeKey?: string; indexes: string[]; items: WireItem[] }>();
  for (const [id, table] of Object.entries(isRecord(resources.aws_dynamodb_table) ? resources.aws_dynamodb_table : {})) {
    const props = isRecord(table) ? table : {};
    const name = literal(props.name);
    const hashKey = literal(props.hash_key);
    if (name === undefined || hashKey === undefined) return `aws_dynamodb_table.${id} has no literal name and hash key`;
    const rangeKey = literal(props.range_key);
    const indexes = blocks(props.global_secondary_index)
      .map((index) => String(index.name))
      .sort(compare);
    tables.set(id, { name, hashKey, ...(rangeKey === undefined ? {} : { rangeKey }), indexes, items: [] });
  }
  for (const [id, item] of Object.entries(isRecord(resources.aws_dynamodb_table_item) ? resources.aws_dynamodb_table_item : {})) {
    const props = isRecord(item) ? item : {};
    const tableId = /^\$\{aws_dynamodb_table\.([A-Za-z0-9_-]+)\.name\}$/.exec(String(props.table_name))?.[1];
    const table = tableId === undefined ? undefined : tables.get(tableId);
    if (table === undefined || typeof props.item !== 'string') return `aws_dynamodb_table_item.${id} names no table of the stack`;
    const parsed: unknown = JSON.parse(props.item);
    if (!isRecord(parsed)) return `aws_dynamodb_table_item.${id} holds no item`;
    table.items.push(parsed);
  }
  return [...tables.values()].sort((a, b) => compare(a.name, b.name));
}

/**
 * A canonical text of an attribute value, equal for values DynamoDB treats as equal: numbers in
 * one notation (DynamoDB normalizes `1.50` to `1.5`), sets in sorted order, map keys sorted.
 */
export function canonicalValue(value: unknown): string {
  if (!isRecord(value)) return JSON.stringify(value);
  const entries = Object.entries(value).filter(([, v]) => v !== undefined);
  if (entries.length !== 1)
    return `{${entries
      .map(([k, v]) => `${JSON.stringify(k)}:${canonicalValue(v)}`)
      .sort(compare)
      .join(',')}}`;
  const [type, inner] = entries[0];
  switch (type) {
    case 'N':
      return `N:${canonicalNumber(String(inner))}`;
    case 'B':
      return `B:${base64(inner)}`;
    case 'SS':
      return `SS:${JSON.stringify([...(inner as string[])].sort(compare))}`;
    case 'NS':
      return `NS:${JSON.stringify((inner as string[]).map(canonicalNumber).sort(compare))}`;
    case 'BS':
      return `BS:${JSON.stringify((inner as unknown[]).map(base64).sort(compare))}`;
    case 'L':
      return `L:[${(inner as unknown[]).map(canonicalValue).join(',')}]`;
    case 'M':
      return `M:${canonicalItem(inner as WireItem)}`;
    default:
      return `${type}:${JSON.stringify(inner)}`;
  }
}

/** A canonical text of a whole item (see {@link canonicalValue}). */
export function canonicalItem(item: WireItem): string {
  return `{${Object.keys(item)
    .filter((name) => item[name] !== undefined)
    .sort(compare)
    .map((name) => `${JSON.stringify(name)}:${canonicalValue(item[name])}`)
    .join(',')}}`;
}

/** `1.50`, `+1.5e0` and `15E-1` all become `15e-1`: digits without outer zeros, and a power of ten. */
export function canonicalNumber(text: string): string {
  const match = /^\s*([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?\s*$/.exec(text);
  if (match === null || `${match[2]}${match[3] ?? ''}` === '') return text;
  const [, sign, whole, fraction = '', exponent = '0'] = match;
  let digits = `${whole}${fraction}`.replace(/^0+/, '');
  if (digits === '') return '0';
  let power = Number(exponent) - fraction.length;
  const trailing = /0*$/.exec(digits)?.[0].length ?? 0;
  digits = digits.slice(0, digits.length - trailing);
  power += trailing;
  return `${sign === '-' ? '-' : ''}${digits}e${power}`;
}

function base64(value: unknown): string {
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  return String(value);
}

/** `id=bm-001` or `pk=a, sk=1`: how an item is named in a reason. */
function keyText(item: WireItem, spec: SeededTableSpec): string {
  return [spec.hashKey, ...(spec.rangeKey === undefined ? [] : [spec.rangeKey])].map((k) => `${k}=${keyValue(item[k])}`).join(', ');
}

function keyValue(value: unknown): string {
  if (!isRecord(value)) return String(value);
  const [type, inner] = Object.entries(value).find(([, v]) => v !== undefined) ?? ['', undefined];
  return type === 'N' ? canonicalNumber(String(inner)) : base64(inner);
}

/**
 * Why DynamoDB does not hold what the stack seeds, as a clause that follows "because", or undefined
 * when every table exists, is ACTIVE, has the stack's key schema and indexes, and holds every
 * seeded item unchanged. `observed` is by table name.
 */
export function contentsProblem(specs: readonly SeededTableSpec[], observed: ReadonlyMap<string, ObservedTable>): string | undefined {
  for (const spec of specs) {
    const found = observed.get(spec.name);
    const table = found?.table;
    if (found === undefined || table === undefined) return `the embedded DynamoDB has no table ${spec.name}`;
    if (table.status !== 'ACTIVE') return `the table ${spec.name} is ${table.status}`;
    const wanted = `${spec.hashKey}/${spec.rangeKey ?? ''}/${spec.indexes.join(',')}`;
    const has = `${table.hashKey}/${table.rangeKey ?? ''}/${[...table.indexes].sort(compare).join(',')}`;
    if (wanted !== has) return `the table ${spec.name} has other keys or indexes than the stack declares`;
    const held = new Map(found.items.map((item) => [keyText(item, spec), canonicalItem(item)]));
    for (const item of spec.items) {
      const key = keyText(item, spec);
      const actual = held.get(key);
      if (actual === undefined) return `the table ${spec.name} lacks the seeded item ${key}`;
      if (actual !== canonicalItem(item)) return `the item ${key} of ${spec.name} differs from its seed`;
    }
  }
  return undefined;
}
