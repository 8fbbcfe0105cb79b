import * as fs from 'node:fs';
import * as path from 'node:path';

interface TestFile {
  path: string;
  context: unknown;
}
interface SequencerClass {
  new (options: { contexts: unknown[]; globalConfig: unknown }): { sort(tests: TestFile[]): TestFile[] };
  FIRST: readonly string[];
}

// eslint-disable-next-line @typescript-eslint/no-require-imports -- jest loads sequencers as CommonJS; the test loads the same files
const { firstFilesSequencer } = require('../../scripts/lib/jest-first-files.js') as { firstFilesSequencer(first: string[]): SequencerClass };
// eslint-disable-next-line @typescript-eslint/no-require-imports -- as above: the file jest.config.js names
const MainSequencer = require('../../scripts/jest-sequencer.js') as SequencerClass;

const ROOT = path.resolve(__dirname, '../..');
const TESTS_DIR = path.join(ROOT, '__tests__');

/** A jest context with no recorded times, as on a fresh clone: jest orders by the sizes `getSize` gives. */
function freshContext(getSize: (file: string) => number) {
  return { config: { rootDir: ROOT, cache: false }, hasteFS: { getSize } };
}

/** Every file `npm test` runs: both projects' `*.test.ts` under __tests__ (the integration files among them). */
function npmTestFiles(dir = TESTS_DIR): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return npmTestFiles(full);
    return entry.name.endsWith('.test.ts') ? [full] : [];
  });
}

describe('a sequencer that starts named files first', () => {
  const sizes: Record<string, number> = { '/r/a.test.ts': 30, '/r/b.test.ts': 20, '/r/c.test.ts': 10, '/r/x/long.test.ts': 1, '/r/x/longer.test.ts': 2 };
  const context = freshContext((file) => sizes[file]);
  const sortNames = (first: string[]) =>
    new (firstFilesSequencer(first))({ contexts: [context], globalConfig: {} }).sort(Object.keys(sizes).map((file) => ({ path: file, context }))).map((t) => t.path);

  test('starts the named files in the order given, before larger files', () => {
    expect(sortNames(['longer.test.ts', 'long.test.ts']).slice(0, 2)).toEqual(['/r/x/longer.test.ts', '/r/x/long.test.ts']);
  });

  test('orders the other files as jest does (largest first on a fresh clone)', () => {
    expect(sortNames(['long.test.ts']).slice(1)).toEqual(['/r/a.test.ts', '/r/b.test.ts', '/r/c.test.ts', '/r/x/longer.test.ts']);
  });

  test('matches a whole file name, not the end of another one', () => {
    expect(sortNames(['ong.test.ts'])).toEqual(sortNames([]));
  });
});

describe("npm test's sequencer", () => {
  test('starts the long integration files first, longest first, and keeps every file', () => {
    const files = npmTestFiles();
    const unit = freshContext((file) => fs.statSync(file).size);
    const integration = freshContext((file) => fs.statSync(file).size);
    const tests = files.map((file) => ({ path: file, context: file.endsWith('.int.test.ts') ? integration : unit }));
    const sorted = new MainSequencer({ contexts: [unit, integration], globalConfig: {} }).sort(tests).map((t) => t.path);
    expect(sorted.slice(0, MainSequencer.FIRST.length).map((file) => path.basename(file))).toEqual(['start-local.int.test.ts', 'batch-seeding.int.test.ts', 'bench.int.test.ts']);
    expect([...sorted].sort()).toEqual([...files].sort());
  });

  test('names only integration files that exist, each once', () => {
    const integrationNames = npmTestFiles()
      .filter((file) => file.endsWith('.int.test.ts'))
      .map((file) => path.basename(file));
    for (const name of MainSequencer.FIRST) expect(integrationNames.filter((found) => found === name)).toEqual([name]);
  });
});
