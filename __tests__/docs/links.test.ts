/** The README stays short and links every document of docs/; every relative link of both leads somewhere. */
import * as fs from 'node:fs';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');
const README = path.join(ROOT, 'README.md');
const DOCS = path.join(ROOT, 'docs');
const documents = [
  README,
  ...fs
    .readdirSync(DOCS)
    .filter((f) => f.endsWith('.md'))
    .map((f) => path.join(DOCS, f)),
];
const read = (file: string) => fs.readFileSync(file, 'utf8');

/** Markdown without its fenced code blocks, where `#` and `[x](y)` are not headings or links. */
function prose(markdown: string): string {
  return markdown.replace(/^```[\s\S]*?^```/gm, '');
}

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces as hyphens. */
function anchorOf(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

function anchors(file: string): Set<string> {
  return new Set([...prose(read(file)).matchAll(/^#{1,6} (.+)$/gm)].map((m) => anchorOf(m[1])));
}

/** Relative links of `file` (`[text](target)` and `![alt](target)`) that lead to no file or no heading. */
function brokenLinks(file: string): string[] {
  const broken: string[] = [];
  for (const [, target] of prose(read(file)).matchAll(/\]\(([^)\s]+)\)/g)) {
    if (/^[a-z]+:/.test(target)) continue;
    const [relative, anchor] = target.split('#');
    const linked = relative === '' ? file : path.resolve(path.dirname(file), relative);
    if (!fs.existsSync(linked)) broken.push(`${path.relative(ROOT, file)}: ${target} (no such file)`);
    else if (anchor !== undefined && linked.endsWith('.md') && !anchors(linked).has(anchor)) broken.push(`${path.relative(ROOT, file)}: ${target} (no such heading)`);
  }
  return broken;
}

describe('the README', () => {
  it('is at most 250 lines', () => {
    expect(read(README).split('\n').length).toBeLessThanOrEqual(250);
  });

  it('links every document of docs/', () => {
    const links = read(README);
    expect(
      documents
        .slice(1)
        .map((f) => path.relative(ROOT, f))
        .filter((doc) => !links.includes(`](${doc})`)),
    ).toEqual([]);
  });

  it('shows the picture of the app', () => {
    expect(read(README)).toMatch(/!\[[^\]]+\]\(docs\/images\/architecture\.svg\)/);
  });
});

describe('links', () => {
  it.each(documents.map((f) => path.relative(ROOT, f)))('%s has no broken relative link', (file) => {
    expect(brokenLinks(path.join(ROOT, file))).toEqual([]);
  });

  it('are checked against headings as GitHub names them', () => {
    expect([anchorOf('The default service (not with CDKTF_SERVICES_FILE)'), anchorOf('Running locally: `npm start` and the embedded DynamoDB')]).toEqual([
      'the-default-service-not-with-cdktf_services_file',
      'running-locally-npm-start-and-the-embedded-dynamodb',
    ]);
  });
});
