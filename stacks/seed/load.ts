import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseCsvItems } from './csv';
import { parseTableDefinition } from './definition';
import { SeedDataError } from './errors';
import type { SeedItem, SeedTable, TableDefinition } from './types';

const DEFINITION_SUFFIX = '.table.json';

/** Options of {@link loadSeedData}. */
export interface LoadSeedDataOptions {
  /**
   * Directory that file names in problems are shown relative to.
   * @default process.cwd()
   */
  readonly displayRoot?: string;
}

/**
 * Reads every `*.table.json` definition in `dataDir` with its CSV and returns the typed items.
 * Throws one {@link SeedDataError} listing every problem (`file:line: message`) in all files, so a
 * bad cell is reported before anything is synthesized. Tables come back sorted by name.
 */
export function loadSeedData(dataDir: string, options: LoadSeedDataOptions = {}): SeedTable[] {
  const root = options.displayRoot ?? process.cwd();
  const show = (file: string): string => {
    const relative = path.relative(root, path.join(dataDir, file));
    return relative.startsWith('..') ? path.join(dataDir, file) : relative;
  };
  if (!fs.existsSync(dataDir) || !fs.statSync(dataDir).isDirectory()) {
    throw new SeedDataError([`${dataDir}: the data directory does not exist`]);
  }

  const problems: string[] = [];
  const files = fs.readdirSync(dataDir).sort();
  const csvFiles = new Set(files.filter((f) => f.endsWith('.csv')));
  const claimed = new Map<string, string>();
  const definitions: TableDefinition[] = [];

  for (const file of files.filter((f) => f.endsWith(DEFINITION_SUFFIX))) {
    let json: unknown;
    try {
      json = JSON.parse(fs.readFileSync(path.join(dataDir, file), 'utf8'));
    } catch (error) {
      problems.push(`${show(file)}: not valid JSON: ${(error as Error).message}`);
      continue;
    }
    const check = parseTableDefinition(json, show(file));
    problems.push(...check.problems);
    const definition = check.definition;
    if (!definition) continue;
    if (definitions.some((d) => d.name === definition.name)) {
      problems.push(`${show(file)}: table "${definition.name}" is defined twice`);
      continue;
    }
    const owner = claimed.get(definition.csv);
    if (owner) {
      problems.push(`${show(file)}: "${definition.csv}" is already the CSV of ${owner}`);
      continue;
    }
    if (!csvFiles.has(definition.csv)) {
      problems.push(`${show(file)}: csv file "${definition.csv}" does not exist in ${show('.') || '.'}`);
      continue;
    }
    claimed.set(definition.csv, show(file));
    definitions.push(definition);
  }

  for (const csv of csvFiles) {
    if (!claimed.has(csv)) {
      problems.push(`${show(csv)}:1: no table definition; add ${csv.replace(/\.csv$/, DEFINITION_SUFFIX)} with "csv": "${csv}"`);
    }
  }

  const tables: LoadedTable[] = [];
  for (const definition of definitions) {
    const parsed = parseCsvItems(fs.readFileSync(path.join(dataDir, definition.csv), 'utf8'), definition, show(definition.csv));
    problems.push(...parsed.problems);
    tables.push({ definition, items: parsed.items, lines: parsed.lines, complete: parsed.problems.length === 0 });
  }
  problems.push(...checkReferences(tables, show));

  if (problems.length > 0) throw new SeedDataError(problems);
  return tables.map(({ definition, items }) => ({ definition, items })).sort((a, b) => (a.definition.name < b.definition.name ? -1 : 1));
}

/** A parsed table with the CSV line of each item, and whether every row of it was readable. */
type LoadedTable = SeedTable & { readonly lines: number[]; readonly complete: boolean };

function checkReferences(tables: readonly LoadedTable[], show: (f: string) => string): string[] {
  const problems: string[] = [];
  const byName = new Map(tables.map((t) => [t.definition.name, t]));
  for (const table of tables) {
    for (const column of table.definition.columns) {
      if (!column.references) continue;
      const [targetName, targetColumn] = column.references.split('.');
      const target = byName.get(targetName);
      if (!target || !target.definition.columns.some((c) => c.name === targetColumn)) {
        problems.push(
          `${show(table.definition.csv.replace(/\.csv$/, DEFINITION_SUFFIX))}: column "${column.name}" references ${column.references}, which is not a defined table column`,
        );
        continue;
      }
      // A table with broken rows has already been reported; checking references into its partial
      // item set would add one false problem per reference (a broken quote would report every row).
      if (!target.complete) continue;
      const known = new Set(target.items.map((item: SeedItem) => item[targetColumn]));
      table.items.forEach((item, i) => {
        const value = item[column.name];
        if (value !== undefined && !known.has(value)) {
          problems.push(
            `${show(table.definition.csv)}:${table.lines[i]}: column "${column.name}" is ${JSON.stringify(value)}, which is not a ${column.references} in ${show(target.definition.csv)}`,
          );
        }
      });
    }
  }
  return problems;
}
