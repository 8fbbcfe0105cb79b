import * as path from 'node:path';
import { loadSeedData, SeedDataError } from '../../stacks/seed';
import { tempDataDir } from '../support/seed-fixtures';

const PROJECT_DATA = path.join(__dirname, '..', '..', 'data');

const AUTHOR_DEF = JSON.stringify({
  name: 'Author',
  csv: 'author.csv',
  partitionKey: { name: 'id', type: 'S' },
  columns: [
    { name: 'id', type: 'string' },
    { name: 'name', type: 'string' },
  ],
});
const POST_DEF = JSON.stringify({
  name: 'Post',
  csv: 'post.csv',
  partitionKey: { name: 'id', type: 'S' },
  columns: [
    { name: 'id', type: 'string' },
    { name: 'authorId', type: 'string', references: 'Author.id' },
    { name: 'rating', type: 'number' },
  ],
});

function problemsOf(dir: string): readonly string[] {
  try {
    loadSeedData(dir, { displayRoot: path.dirname(dir) });
  } catch (error) {
    if (error instanceof SeedDataError) return error.problems;
    throw error;
  }
  throw new Error('expected loadSeedData to throw');
}

describe('loadSeedData', () => {
  test('loads the project data with consistent relations', () => {
    // Given the data/ folder of the project
    // When it is loaded
    const tables = loadSeedData(PROJECT_DATA);
    // Then the three tables are there with their items
    expect(tables.map((t) => [t.definition.name, t.items.length])).toEqual([
      ['Bookmark', 40],
      ['Category', 10],
      ['Resource', 64],
    ]);
  });

  test('returns the same items whatever the row order', () => {
    const a = tempDataDir({ 'author.table.json': AUTHOR_DEF, 'author.csv': 'id,name\na1,Ann\na2,Bob\n' });
    const b = tempDataDir({ 'author.table.json': AUTHOR_DEF, 'author.csv': 'id,name\na2,Bob\na1,Ann\n' });
    const byId = (dir: string) => Object.fromEntries(loadSeedData(dir)[0].items.map((i) => [i.id, i]));
    expect(byId(a)).toEqual(byId(b));
  });

  test('a table with a broken row does not also fail every reference into it', () => {
    // Given an author file whose quote is never closed, and posts that reference its authors
    const dir = tempDataDir({
      'author.table.json': AUTHOR_DEF,
      'author.csv': 'id,name\na1,Ann\na2,"Bob\n',
      'post.table.json': POST_DEF,
      'post.csv': 'id,authorId,rating\np1,a1,4\np2,a2,5\n',
    });
    // Then only the broken file is reported
    const problems = problemsOf(dir);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(new RegExp(`^${path.basename(dir)}/author\\.csv:3: `));
  });

  test('reports a CSV without a table definition', () => {
    const dir = tempDataDir({ 'author.table.json': AUTHOR_DEF, 'author.csv': 'id,name\na1,Ann\n', 'orphan.csv': 'x\n1\n' });
    expect(problemsOf(dir)).toEqual([`${path.basename(dir)}/orphan.csv:1: no table definition; add orphan.table.json with "csv": "orphan.csv"`]);
  });

  test('reports a definition whose CSV does not exist', () => {
    const dir = tempDataDir({ 'author.table.json': AUTHOR_DEF });
    expect(problemsOf(dir)).toEqual([`${path.basename(dir)}/author.table.json: csv file "author.csv" does not exist in ${path.basename(dir)}`]);
  });

  test('reports a reference to a key that does not exist, with file and line', () => {
    const dir = tempDataDir({
      'author.table.json': AUTHOR_DEF,
      'author.csv': 'id,name\na1,Ann\n',
      'post.table.json': POST_DEF,
      'post.csv': 'id,authorId,rating\np1,a1,5\np2,a9,4\n',
    });
    const d = path.basename(dir);
    expect(problemsOf(dir)).toEqual([`${d}/post.csv:3: column "authorId" is "a9", which is not a Author.id in ${d}/author.csv`]);
  });

  test('collects the problems of every file in one error', () => {
    // Given two CSVs with one bad cell each
    const dir = tempDataDir({
      'author.table.json': AUTHOR_DEF,
      'author.csv': 'id,name\na1,Ann\na1,Ann again\n',
      'post.table.json': POST_DEF,
      'post.csv': 'id,authorId,rating\np1,a1,high\n',
    });
    const d = path.basename(dir);
    // When loading, then both are reported together
    expect(problemsOf(dir)).toEqual([`${d}/author.csv:3: duplicate key id="a1", first on line 2`, `${d}/post.csv:2: column "rating" must be a number, got "high"`]);
  });

  test('throws one error whose message lists every problem', () => {
    const dir = tempDataDir({ 'author.table.json': AUTHOR_DEF, 'author.csv': 'id,name\n,x\nb\n' });
    expect(() => loadSeedData(dir)).toThrow(/2 problems; nothing was synthesized:\n.*author\.csv:2: key column "id" is empty\n.*author\.csv:3: row has 1 cells/);
  });

  test('reports a definition that is not valid JSON', () => {
    const dir = tempDataDir({ 'author.table.json': '{ nope', 'author.csv': 'id\n' });
    const problems = problemsOf(dir);
    expect(problems[0]).toMatch(/author\.table\.json: not valid JSON: /);
  });
});
