import { parse } from 'csv-parse/sync';
import type { ColumnDefinition, ItemValue, SeedItem, TableDefinition } from './types';

const NUMBER = /^-?\d+(\.\d+)?([eE][+-]?\d+)?$/;
const DEFAULT_SEPARATOR = '|';

/** Items of one CSV with the line each row starts on, and every problem found. */
export interface CsvItems {
  readonly items: SeedItem[];
  /** `lines[i]` is the 1-based line on which the row of `items[i]` starts. */
  readonly lines: number[];
  readonly problems: string[];
}

interface Row {
  readonly cells: string[];
  readonly line: number;
}

/**
 * Turns the text of a CSV (RFC 4180: quotes, embedded commas and newlines, optional BOM) into typed
 * items following `definition`. The first row is the header. Empty cells are left out of the item.
 * `file` is the path shown in problems, e.g. `data/resource.csv:17: ...`.
 */
export function parseCsvItems(text: string, definition: TableDefinition, file: string): CsvItems {
  const problems: string[] = [];
  const rows = readRows(text, file, problems);
  if (rows.length === 0) {
    if (problems.length === 0) problems.push(`${file}:1: the file is empty; it needs a header row naming ${definition.columns.map((c) => c.name).join(', ')}`);
    return { items: [], lines: [], problems };
  }

  const [header, ...body] = rows;
  const columns = checkHeader(header, definition, file, problems);
  const items: SeedItem[] = [];
  const lines: number[] = [];
  const keyLines = new Map<string, number>();
  const keyNames = [definition.partitionKey.name, ...(definition.sortKey ? [definition.sortKey.name] : [])];

  for (const row of body) {
    const at = `${file}:${row.line}`;
    if (row.cells.length !== header.cells.length) {
      problems.push(`${at}: row has ${row.cells.length} cells, the header has ${header.cells.length}`);
      continue;
    }
    if (!columns) continue;
    const item: SeedItem = {};
    let sound = true;
    row.cells.forEach((cell, i) => {
      const column = columns[i];
      if (cell === '') return;
      const converted = convert(cell, column);
      if (typeof converted === 'object' && converted !== null && 'error' in converted) {
        problems.push(`${at}: column "${column.name}" ${converted.error}`);
        sound = false;
        return;
      }
      item[column.name] = converted;
    });
    const missing = keyNames.filter((k) => item[k] === undefined && row.cells[columns.findIndex((c) => c.name === k)] === '');
    for (const k of missing) problems.push(`${at}: key column "${k}" is empty`);
    const unreachable = keyNames.filter((k) => typeof item[k] === 'string' && !isReachableKey(item[k]));
    for (const k of unreachable) {
      problems.push(`${at}: key column "${k}" must be 1-${MAX_KEY_LENGTH} characters without control characters, got ${JSON.stringify(item[k])}`);
    }
    if (missing.length > 0 || unreachable.length > 0 || !sound) continue;
    const key = JSON.stringify(keyNames.map((k) => item[k]));
    const first = keyLines.get(key);
    if (first !== undefined) {
      problems.push(`${at}: duplicate key ${keyNames.map((k) => `${k}=${JSON.stringify(item[k])}`).join(', ')}, first on line ${first}`);
      continue;
    }
    keyLines.set(key, row.line);
    items.push(item);
    lines.push(row.line);
  }
  return { items, lines, problems };
}

/**
 * The API refuses ids longer than 128 characters or with control characters (service/src/params.ts),
 * so a seeded item with such a key could never be read back: refuse it at synth instead.
 */
export const MAX_KEY_LENGTH = 128;

function isReachableKey(value: string): boolean {
  // eslint-disable-next-line no-control-regex
  return value.length <= MAX_KEY_LENGTH && !/[\u0000-\u001f\u007f]/.test(value);
}

function readRows(text: string, file: string, problems: string[]): Row[] {
  const rows: Row[] = [];
  // csv-parse reports the line a record ends on (a quoted cell may span lines); a record starts
  // after the previous one and any empty lines skipped in between.
  let previousEnd = 0;
  let previousEmpty = 0;
  try {
    parse(text, {
      bom: true,
      relax_column_count: true,
      skip_empty_lines: true,
      on_record: (record: string[], context) => {
        rows.push({ cells: record, line: previousEnd + 1 + context.empty_lines - previousEmpty });
        previousEnd = context.lines;
        previousEmpty = context.empty_lines;
        return undefined;
      },
    });
    return rows;
  } catch (error) {
    // csv-parse stops at the first malformed quote; its message carries the line.
    const lineMatch = /line (\d+)/.exec(String((error as Error).message));
    problems.push(`${file}:${lineMatch ? lineMatch[1] : 1}: not valid CSV: ${(error as Error).message}`);
    return [];
  }
}

function checkHeader(header: Row, definition: TableDefinition, file: string, problems: string[]): ColumnDefinition[] | undefined {
  const at = `${file}:${header.line}`;
  const before = problems.length;
  const byName = new Map(definition.columns.map((c) => [c.name, c]));
  const seen = new Set<string>();
  for (const name of header.cells) {
    if (seen.has(name)) problems.push(`${at}: column "${name}" appears twice in the header`);
    seen.add(name);
    if (!byName.has(name)) {
      problems.push(`${at}: unknown column "${name}"; the ${definition.name} definition has ${definition.columns.map((c) => c.name).join(', ')}`);
    }
  }
  for (const column of definition.columns) {
    if (!seen.has(column.name)) problems.push(`${at}: missing column "${column.name}"`);
  }
  if (problems.length > before) return undefined;
  return header.cells.map((name) => byName.get(name) as ColumnDefinition);
}

function convert(cell: string, column: ColumnDefinition): ItemValue | { error: string } {
  switch (column.type) {
    case 'string':
      return cell;
    case 'number':
      if (!NUMBER.test(cell) || !Number.isFinite(Number(cell))) return { error: `must be a number, got ${JSON.stringify(cell)}` };
      // Items are JS numbers; an integer beyond 2^53 would silently change.
      if (/^-?\d+$/.test(cell) && !Number.isSafeInteger(Number(cell))) return { error: `is too large to store exactly, got ${JSON.stringify(cell)}; use a string column` };
      return Number(cell);
    case 'boolean':
      if (cell === 'true') return true;
      if (cell === 'false') return false;
      return { error: `must be true or false, got ${JSON.stringify(cell)}` };
    case 'stringSet':
    case 'stringList': {
      const separator = column.separator ?? DEFAULT_SEPARATOR;
      const elements = cell.split(separator).map((e) => e.trim());
      if (elements.some((e) => e === '')) return { error: `has an empty element in ${JSON.stringify(cell)}; separate elements with "${separator}"` };
      if (column.type === 'stringList') return elements;
      const set = new Set(elements);
      if (set.size !== elements.length) return { error: `is a set but repeats an element in ${JSON.stringify(cell)}` };
      return set;
    }
  }
}
