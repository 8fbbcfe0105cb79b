import type { ColumnDefinition, ColumnType, GlobalSecondaryIndexDefinition, KeyAttribute, ProjectionType, TableDefinition } from './types';

const COLUMN_TYPES: readonly ColumnType[] = ['string', 'number', 'boolean', 'stringSet', 'stringList'];
const PROJECTIONS: readonly ProjectionType[] = ['ALL', 'KEYS_ONLY', 'INCLUDE'];
const KEY_COLUMN_TYPE = { S: 'string', N: 'number' } as const;
// DynamoDB's own limits on table and index names.
const NAME_PATTERN = /^[a-zA-Z0-9_.-]{3,255}$/;

/** Result of checking one table definition: the definition when it is sound, and every problem found. */
export interface DefinitionCheck {
  readonly definition?: TableDefinition;
  readonly problems: string[];
}

/**
 * Checks the JSON of one table definition (`data/<name>.table.json`) and returns it typed.
 * `file` is the path shown in problems.
 */
export function parseTableDefinition(json: unknown, file: string): DefinitionCheck {
  const problems: string[] = [];
  const fail = (message: string): void => {
    problems.push(`${file}: ${message}`);
  };
  if (!isObject(json)) {
    fail('must be a JSON object with name, csv, partitionKey, columns');
    return { problems };
  }

  const name = json.name;
  if (typeof name !== 'string' || !NAME_PATTERN.test(name)) fail(`"name" must be 3-255 characters of a-z A-Z 0-9 _ . -, got ${show(name)}`);
  const csv = json.csv;
  if (typeof csv !== 'string' || !csv.endsWith('.csv') || csv.includes('/') || csv.includes('\\')) {
    fail(`"csv" must be a file name ending in .csv beside the definition, got ${show(csv)}`);
  }

  const columns = parseColumns(json.columns, fail);
  const byName = new Map(columns.map((c) => [c.name, c]));
  const keyOf = (value: unknown, where: string): KeyAttribute | undefined => parseKey(value, where, byName, fail);

  const partitionKey = keyOf(json.partitionKey, '"partitionKey"');
  const sortKey = json.sortKey === undefined ? undefined : keyOf(json.sortKey, '"sortKey"');
  if (partitionKey && sortKey && partitionKey.name === sortKey.name) fail(`"sortKey" must differ from "partitionKey" ("${sortKey.name}")`);

  const indexes: GlobalSecondaryIndexDefinition[] = [];
  const rawIndexes = json.globalSecondaryIndexes ?? [];
  if (!Array.isArray(rawIndexes)) fail('"globalSecondaryIndexes" must be an array');
  else {
    const seen = new Set<string>();
    rawIndexes.forEach((raw: unknown, i: number) => {
      const where = `"globalSecondaryIndexes[${i}]"`;
      if (!isObject(raw)) return fail(`${where} must be an object`);
      const indexName = raw.name;
      if (typeof indexName !== 'string' || !NAME_PATTERN.test(indexName)) return fail(`${where}.name must be 3-255 characters of a-z A-Z 0-9 _ . -, got ${show(indexName)}`);
      if (seen.has(indexName)) return fail(`${where}.name "${indexName}" is used twice`);
      seen.add(indexName);
      const pk = keyOf(raw.partitionKey, `${where}.partitionKey`);
      const sk = raw.sortKey === undefined ? undefined : keyOf(raw.sortKey, `${where}.sortKey`);
      const projection = raw.projection ?? 'ALL';
      if (!PROJECTIONS.includes(projection as ProjectionType)) return fail(`${where}.projection must be one of ${PROJECTIONS.join(', ')}, got ${show(projection)}`);
      const nonKey = raw.nonKeyAttributes;
      if (projection === 'INCLUDE' && (!Array.isArray(nonKey) || nonKey.length === 0 || !nonKey.every((a) => typeof a === 'string' && byName.has(a)))) {
        return fail(`${where}.nonKeyAttributes must list columns of the table when projection is INCLUDE, got ${show(nonKey)}`);
      }
      if (projection !== 'INCLUDE' && nonKey !== undefined) return fail(`${where}.nonKeyAttributes is only allowed with projection INCLUDE`);
      if (!pk) return undefined;
      indexes.push({
        name: indexName,
        partitionKey: pk,
        ...(sk ? { sortKey: sk } : {}),
        projection: projection as ProjectionType,
        ...(projection === 'INCLUDE' ? { nonKeyAttributes: nonKey as string[] } : {}),
      });
      return undefined;
    });
  }

  // Attributes used as keys anywhere must have one DynamoDB type (the table declares each once).
  const keyTypes = new Map<string, string>();
  for (const key of [partitionKey, sortKey, ...indexes.flatMap((x) => [x.partitionKey, x.sortKey])]) {
    if (!key) continue;
    const previous = keyTypes.get(key.name);
    if (previous && previous !== key.type) fail(`key attribute "${key.name}" is declared as both ${previous} and ${key.type}`);
    keyTypes.set(key.name, key.type);
  }

  if (problems.length > 0 || !partitionKey) return { problems };
  return {
    definition: {
      name: name as string,
      csv: csv as string,
      partitionKey,
      ...(sortKey ? { sortKey } : {}),
      globalSecondaryIndexes: indexes,
      columns,
    },
    problems,
  };
}

function parseColumns(value: unknown, fail: (m: string) => void): ColumnDefinition[] {
  if (!Array.isArray(value) || value.length === 0) {
    fail('"columns" must be a non-empty array of { "name", "type" }');
    return [];
  }
  const columns: ColumnDefinition[] = [];
  const seen = new Set<string>();
  value.forEach((raw: unknown, i: number) => {
    const where = `"columns[${i}]"`;
    if (!isObject(raw) || typeof raw.name !== 'string' || raw.name === '') return fail(`${where} must have a non-empty "name"`);
    if (seen.has(raw.name)) return fail(`${where} "${raw.name}" is declared twice`);
    seen.add(raw.name);
    if (!COLUMN_TYPES.includes(raw.type as ColumnType)) return fail(`${where} "${raw.name}" has type ${show(raw.type)}; use one of ${COLUMN_TYPES.join(', ')}`);
    const type = raw.type as ColumnType;
    const isCollection = type === 'stringSet' || type === 'stringList';
    if (raw.separator !== undefined && (!isCollection || typeof raw.separator !== 'string' || raw.separator === '' || raw.separator === ',')) {
      return fail(`${where} "${raw.name}" separator must be a non-empty string other than "," on a stringSet or stringList column`);
    }
    if (raw.references !== undefined && (typeof raw.references !== 'string' || !/^[^.]+\.[^.]+$/.test(raw.references))) {
      return fail(`${where} "${raw.name}" references must be written "Table.column", got ${show(raw.references)}`);
    }
    columns.push({
      name: raw.name,
      type,
      ...(raw.separator !== undefined ? { separator: raw.separator } : {}),
      ...(raw.references !== undefined ? { references: raw.references } : {}),
    });
    return undefined;
  });
  return columns;
}

function parseKey(value: unknown, where: string, columns: ReadonlyMap<string, ColumnDefinition>, fail: (m: string) => void): KeyAttribute | undefined {
  if (!isObject(value) || typeof value.name !== 'string' || (value.type !== 'S' && value.type !== 'N')) {
    fail(`${where} must be { "name": <column>, "type": "S" | "N" }, got ${show(value)}`);
    return undefined;
  }
  const column = columns.get(value.name);
  if (!column) {
    fail(`${where} names "${value.name}", which is not a column; add it to "columns"`);
    return undefined;
  }
  const expected = KEY_COLUMN_TYPE[value.type];
  if (column.type !== expected) {
    fail(`${where} "${value.name}" has key type ${value.type}, so its column must be of type ${expected}, not ${column.type}`);
    return undefined;
  }
  return { name: value.name, type: value.type };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function show(value: unknown): string {
  return value === undefined ? 'nothing' : JSON.stringify(value);
}
