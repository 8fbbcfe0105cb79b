/**
 * Malformed CSV, end to end: the real app (main.ts, bundled like scripts/build-app.mjs) run with
 * `node` in a scratch project whose data/ is the project's with one defect. Each run must fail with
 * exactly the expected `file:line: message` list and leave nothing behind: no cdktf.out/, no
 * cdk.tf.json, no state/. The parsing rules themselves are unit-tested in __tests__/seed/; this
 * proves the whole synth stops on them.
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { reportStress } from '../support/stress-load';

jest.setTimeout(120_000);

const ROOT = path.resolve(__dirname, '..', '..');
const DATA = path.join(ROOT, 'data');
const CONCURRENCY = 2;

/** One defect: how to apply it to a copy of data/, and the problems the synth must report. */
interface CsvCase {
  readonly name: string;
  readonly apply: (dataDir: string) => void;
  /** Given the line a row appended to the named file lands on. */
  readonly problems: (line: (file: string) => number) => string[];
}

/** Appends `row` to `file` in `dir` (adding a final newline first if the file lacks one). */
function append(dir: string, file: string, row: string): void {
  const p = path.join(dir, file);
  const text = fs.readFileSync(p, 'utf8');
  fs.writeFileSync(p, `${text}${text.endsWith('\n') ? '' : '\n'}${row}\n`);
}

/** The physical line a row appended to the project's `file` starts on. */
function nextLine(file: string): number {
  const text = fs.readFileSync(path.join(DATA, file), 'utf8');
  return text.split('\n').length + (text.endsWith('\n') ? 0 : 1);
}

const RESOURCE_ROW = (cells: Partial<Record<'id' | 'categoryId' | 'tags' | 'rating' | 'free', string>>) =>
  [
    cells.id ?? 'res-stress',
    cells.categoryId ?? 'architecture',
    'A title',
    'https://example.com/',
    'article',
    'Someone',
    'Text',
    cells.tags ?? 'a|b',
    cells.rating ?? '4',
    '2024-01-01',
    cells.free ?? 'true',
  ].join(',');

/** Bookmark is referenced by nothing, so a defect there is reported alone; a defect in Category would also break every Resource reference. */
const CASES: CsvCase[] = [
  {
    name: 'an unterminated quote',
    apply: (d) => append(d, 'bookmark.csv', 'bm-stress,res-001,ada,"never closed,2024-01-01T00:00:00Z,true'),
    problems: (l) => [`data/bookmark.csv:${l('bookmark.csv')}: not valid CSV: Quote Not Closed: the parsing is finished with an opening quote at line ${l('bookmark.csv')}`],
  },
  {
    name: 'a ragged row',
    apply: (d) => append(d, 'category.csv', 'stress,Stress'),
    problems: (l) => [`data/category.csv:${l('category.csv')}: row has 2 cells, the header has 4`],
  },
  {
    name: 'text in a number column',
    apply: (d) => append(d, 'category.csv', 'stress,Stress,Text,first'),
    problems: (l) => [`data/category.csv:${l('category.csv')}: column "sortOrder" must be a number, got "first"`],
  },
  {
    name: 'an integer too large to store exactly',
    apply: (d) => append(d, 'category.csv', 'stress,Stress,Text,12345678901234567890'),
    problems: (l) => [`data/category.csv:${l('category.csv')}: column "sortOrder" is too large to store exactly, got "12345678901234567890"; use a string column`],
  },
  {
    name: 'a duplicate key',
    apply: (d) => append(d, 'category.csv', 'architecture,Again,Text,99'),
    problems: (l) => [`data/category.csv:${l('category.csv')}: duplicate key id="architecture", first on line 2`],
  },
  {
    name: 'an empty key',
    apply: (d) => append(d, 'category.csv', ',Nameless,Text,5'),
    problems: (l) => [`data/category.csv:${l('category.csv')}: key column "id" is empty`],
  },
  {
    name: 'a reference to a category that does not exist',
    apply: (d) => append(d, 'resource.csv', RESOURCE_ROW({ categoryId: 'no-such-category' })),
    problems: (l) => [`data/resource.csv:${l('resource.csv')}: column "categoryId" is "no-such-category", which is not a Category.id in data/category.csv`],
  },
  {
    name: 'a boolean that is not true or false',
    apply: (d) => append(d, 'resource.csv', RESOURCE_ROW({ free: 'yes' })),
    problems: (l) => [`data/resource.csv:${l('resource.csv')}: column "free" must be true or false, got "yes"`],
  },
  {
    name: 'a set that repeats an element',
    apply: (d) => append(d, 'resource.csv', RESOURCE_ROW({ tags: 'go|go' })),
    problems: (l) => [`data/resource.csv:${l('resource.csv')}: column "tags" is a set but repeats an element in "go|go"`],
  },
  {
    name: 'a renamed header column',
    apply: (d) => {
      const p = path.join(d, 'bookmark.csv');
      fs.writeFileSync(p, fs.readFileSync(p, 'utf8').replace(/^id,resourceId,userName,/, 'id,resourceId,user,'));
    },
    problems: () => [
      'data/bookmark.csv:1: unknown column "user"; the Bookmark definition has id, resourceId, userName, note, createdAt, pinned',
      'data/bookmark.csv:1: missing column "userName"',
    ],
  },
  {
    name: 'an empty file',
    apply: (d) => fs.writeFileSync(path.join(d, 'bookmark.csv'), ''),
    problems: () => ['data/bookmark.csv:1: the file is empty; it needs a header row naming id, resourceId, userName, note, createdAt, pinned'],
  },
  {
    name: 'a CSV without a table definition',
    apply: (d) => fs.writeFileSync(path.join(d, 'orphan.csv'), 'id\n1\n'),
    problems: () => ['data/orphan.csv:1: no table definition; add orphan.table.json with "csv": "orphan.csv"'],
  },
  {
    name: 'two defects in two files, reported together',
    apply: (d) => {
      append(d, 'category.csv', 'stress,Stress,Text,first');
      append(d, 'bookmark.csv', 'bm-stress,res-001,ada,Note,2024-01-01T00:00:00Z,maybe');
    },
    problems: (l) => [
      `data/bookmark.csv:${l('bookmark.csv')}: column "pinned" must be true or false, got "maybe"`,
      `data/category.csv:${l('category.csv')}: column "sortOrder" must be a number, got "first"`,
    ],
  },
];

/** What one synth run left behind. */
interface Run {
  readonly code: number | null;
  readonly stderr: string;
  /** Files the run wrote outside data/, recursively. */
  readonly files: string[];
  /** Directories it created outside data/ (see the note on `new App()` below). */
  readonly dirs: string[];
  readonly ms: number;
}

let work: string;
let appJs: string;
const runs = new Map<string, Run>();

/** Runs the bundled app in a scratch project holding `data/` (after `apply`), like `cdktf synth` would. */
async function synth(name: string, apply: (dataDir: string) => void): Promise<Run> {
  const project = fs.mkdtempSync(path.join(work, 'project-'));
  const dataDir = path.join(project, 'data');
  fs.cpSync(DATA, dataDir, { recursive: true });
  apply(dataDir);
  const started = performance.now();
  const result = await promisify(execFile)(process.execPath, [appJs], {
    cwd: project,
    // CDKTF_ENV local: the default; NODE_PATH: the bundle keeps npm packages external.
    env: { PATH: process.env.PATH ?? '', NODE_PATH: path.join(ROOT, 'node_modules'), CDKTF_ENV: 'local' },
    timeout: 60_000,
  }).then(
    ({ stderr }) => ({ code: 0, stderr }),
    (err: { code?: number | null; stderr?: string }) => ({ code: err.code ?? null, stderr: err.stderr ?? '' }),
  );
  const ms = performance.now() - started;
  const entries = (fs.readdirSync(project, { recursive: true }) as string[]).filter((e) => e !== 'data' && !e.startsWith(`data${path.sep}`));
  const isDir = (e: string) => fs.statSync(path.join(project, e)).isDirectory();
  runs.set(name, { ...result, files: entries.filter((e) => !isDir(e)), dirs: entries.filter(isDir), ms });
  return runs.get(name)!;
}

/** The problem lines of a SeedDataError in stderr, after its "N problems; nothing was synthesized" header. */
function reported(stderr: string): { count?: number; problems: string[] } {
  const lines = stderr.split('\n');
  const header = lines.findIndex((l) => /Seed data has \d+ problems?; nothing was synthesized:/.test(l));
  if (header < 0) return { problems: [] };
  const count = Number(/has (\d+) problem/.exec(lines[header])![1]);
  return { count, problems: lines.slice(header + 1, header + 1 + count).map((l) => l.trim()) };
}

beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'stress-csv-'));
  appJs = path.join(work, 'app', 'main.js');
  // The same bundle options as scripts/build-app.mjs, into a scratch folder instead of .build/.
  await build({
    entryPoints: [path.join(ROOT, 'main.ts')],
    outfile: appJs,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    packages: 'external',
    logLevel: 'warning',
  });
  const queue: [string, (d: string) => void][] = [['the project data, unchanged', () => undefined], ...CASES.map((c) => [c.name, c.apply] as [string, (d: string) => void])];
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      for (let job = queue.shift(); job !== undefined; job = queue.shift()) await synth(...job);
    }),
  );
});

afterAll(() => {
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

describe('synth of the app on malformed seed data', () => {
  test('the figures are reported', () => {
    reportStress('csv', {
      malformedCases: CASES.length,
      failedAsExpected: CASES.filter((c) => runs.get(c.name)?.code === 1).length,
      casesThatWroteFiles: CASES.filter((c) => (runs.get(c.name)?.files.length ?? 1) > 0).length,
      casesThatLeftEmptyDirs: CASES.filter((c) => (runs.get(c.name)?.dirs.length ?? 1) > 0).length,
      synthMsMedian: Math.round([...runs.values()].map((r) => r.ms).sort((a, b) => a - b)[Math.floor(runs.size / 2)]),
    });
    expect(runs.size).toBe(CASES.length + 1);
  });

  test('the unchanged project data synthesizes every stack (the harness sees output when there is some)', () => {
    const run = runs.get('the project data, unchanged')!;
    expect({ code: run.code, dataStack: run.files.includes(path.join('cdktf.out', 'stacks', 'data', 'cdk.tf.json')) }).toEqual({ code: 0, dataStack: true });
  });

  test.each(CASES.map((c) => [c.name, c] as const))('%s: fails with exactly its file:line problems', (_name, c) => {
    const run = runs.get(c.name)!;
    const expected = c.problems(nextLine);
    expect({ code: run.code, ...reported(run.stderr) }).toEqual({ code: 1, count: expected.length, problems: expected });
  });

  // main.ts loads the seed data before it creates the App, so not even cdktf.out/ appears.
  test.each(CASES.map((c) => [c.name] as const))('%s: writes nothing: no folder, manifest, cdk.tf.json or state', (name) => {
    const { files, dirs } = runs.get(name)!;
    expect({ files, dirs }).toEqual({ files: [], dirs: [] });
  });
});
