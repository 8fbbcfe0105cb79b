import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { TableDefinition } from '../../stacks/seed';

/** A small table definition with one column of each type, for CSV tests. */
export const BOOK: TableDefinition = {
  name: 'Book',
  csv: 'book.csv',
  partitionKey: { name: 'id', type: 'S' },
  globalSecondaryIndexes: [],
  columns: [
    { name: 'id', type: 'string' },
    { name: 'title', type: 'string' },
    { name: 'pages', type: 'number' },
    { name: 'inPrint', type: 'boolean' },
    { name: 'tags', type: 'stringSet' },
    { name: 'authors', type: 'stringList', separator: ';' },
  ],
};

/** Writes `files` (name → content) into a fresh temp directory and returns its path. */
export function tempDataDir(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seed-'));
  for (const [name, content] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), content);
  return dir;
}
