/**
 * Generates a data directory shaped like data/ with `rows` resources: the project's table
 * definitions and categories, `rows` synthetic Resource rows and up to 40 bookmarks on them.
 * Used by the seeding benchmark and the large-data tests. CLI: `node -r ./scripts/register-ts.js bench/generate-data.ts <rows> <dir>`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

const PROJECT_DATA = path.join(__dirname, '..', 'data');
const KINDS = ['article', 'documentation', 'video', 'book', 'course'];
const TAGS = ['aws', 'dynamodb', 'testing', 'terraform', 'go', 'rust', 'typescript', 'sre', 'security', 'design'];

/** Writes the generated CSVs and copies the table definitions into `dir`; returns `dir`. */
export function generateSeedData(dir: string, rows: number): string {
  fs.mkdirSync(dir, { recursive: true });
  for (const file of fs.readdirSync(PROJECT_DATA)) {
    if (file.endsWith('.table.json') || file === 'category.csv') fs.copyFileSync(path.join(PROJECT_DATA, file), path.join(dir, file));
  }
  const categories = fs
    .readFileSync(path.join(PROJECT_DATA, 'category.csv'), 'utf8')
    .split('\n')
    .slice(1)
    .filter((line) => line !== '')
    .map((line) => line.split(',')[0]);

  const width = String(rows).length;
  const id = (i: number) => `gen-${String(i).padStart(width, '0')}`;
  const resources = ['id,categoryId,title,url,kind,author,description,tags,rating,publishedOn,free'];
  for (let i = 1; i <= rows; i++) {
    const tags = [TAGS[i % TAGS.length], TAGS[(i * 7 + 3) % TAGS.length]].filter((t, k, all) => all.indexOf(t) === k).join('|');
    resources.push(
      [
        id(i),
        categories[i % categories.length],
        `"Generated resource ${i}, part ${(i % 7) + 1}"`,
        `https://example.com/resources/${i}`,
        KINDS[i % KINDS.length],
        `Author ${i % 97}`,
        `"A synthetic resource used to measure seeding at ${rows} rows."`,
        tags,
        ((i % 50) / 10).toFixed(1),
        `20${String(10 + (i % 15))}-0${1 + (i % 9)}-1${i % 10}`,
        i % 3 === 0 ? 'false' : 'true',
      ].join(','),
    );
  }
  fs.writeFileSync(path.join(dir, 'resource.csv'), `${resources.join('\n')}\n`);

  const bookmarks = ['id,resourceId,userName,note,createdAt,pinned'];
  for (let i = 1; i <= Math.min(40, rows); i++) {
    bookmarks.push(`bm-${String(i).padStart(3, '0')},${id(i)},user${i % 5},Generated note ${i},2024-0${1 + (i % 9)}-1${i % 10}T10:00:00Z,${i % 2 === 0}`);
  }
  fs.writeFileSync(path.join(dir, 'bookmark.csv'), `${bookmarks.join('\n')}\n`);
  return dir;
}

if (require.main === module) {
  const [rows, dir] = process.argv.slice(2);
  if (!rows || !dir || !/^\d+$/.test(rows)) {
    console.error('usage: node -r ./scripts/register-ts.js bench/generate-data.ts <rows> <dir>');
    process.exit(2);
  }
  generateSeedData(path.resolve(dir), Number(rows));
  console.log(`wrote ${rows} resources to ${dir}`);
}
