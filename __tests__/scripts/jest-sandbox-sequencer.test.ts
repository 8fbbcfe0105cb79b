import * as fs from 'node:fs';
import * as path from 'node:path';

// eslint-disable-next-line @typescript-eslint/no-require-imports -- jest loads the sequencer as CommonJS; the test loads the same file
const Sequencer = require('../../scripts/jest-sandbox-sequencer.js') as {
  new (options: { contexts: unknown[]; globalConfig: unknown }): { sort(tests: { path: string; context: unknown }[]): { path: string }[] };
  FIRST: string[];
};

const SANDBOX_DIR = path.resolve(__dirname, '../sandbox');

describe('the sandbox suite sequencer', () => {
  test('starts the whole-app files first, longest first, and keeps every file', () => {
    const files = fs.readdirSync(SANDBOX_DIR).filter((f) => f.endsWith('.sandbox.ts'));
    const context = { config: { rootDir: path.resolve(__dirname, '../..'), cache: false }, hasteFS: { getSize: () => 1 } };
    const tests = files.map((f) => ({ path: path.join(SANDBOX_DIR, f), context }));
    const sorted = new Sequencer({ contexts: [context], globalConfig: {} }).sort(tests).map((t) => path.basename(t.path));
    expect(sorted.slice(0, Sequencer.FIRST.length)).toEqual(Sequencer.FIRST);
    expect([...sorted].sort()).toEqual([...files].sort());
  });

  test('names only files that exist', () => {
    for (const name of Sequencer.FIRST) expect(fs.existsSync(path.join(SANDBOX_DIR, name))).toBe(true);
  });
});
