import * as fs from 'node:fs';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');
const SKIP = new Set(['node_modules', 'cdktf.out', '.build', 'dist', '.git', 'state', '.local', 'test-output', 'coverage']);

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (SKIP.has(entry.name)) return [];
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return /\.(ts|mts|cts|js|mjs)$/.test(entry.name) ? [full] : [];
  });
}

/** `@cdktf/provider-aws` without a `/lib/<resource>` path loads every binding: 1.5 GB and slow synths. */
const BARREL = /(?:from\s+|require\(\s*|import\(\s*)['"]@cdktf\/provider-(?:aws|docker)(?:\/lib)?['"]/;

describe('provider imports', () => {
  it('provider classes are imported only from deep paths, never the package barrel', () => {
    const offenders = sourceFiles(ROOT).filter((file) => BARREL.test(fs.readFileSync(file, 'utf8')));
    expect(offenders.map((f) => path.relative(ROOT, f))).toEqual([]);
  });

  it('the rule recognises a barrel import', () => {
    // Assembled at run time so that this file does not contain the pattern it looks for.
    const pkg = (name: string) => ['@cdktf', `provider-${name}`].join('/');
    expect([`import { Vpc } from '${pkg('aws')}';`, `const p = require('${pkg('docker')}/lib')`].every((line) => BARREL.test(line))).toBe(true);
    expect(BARREL.test(`import { Vpc } from '${pkg('aws')}/lib/vpc';`)).toBe(false);
  });
});
