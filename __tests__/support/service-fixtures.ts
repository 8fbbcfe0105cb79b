/** Fakes and fixtures for the service stack's tests: tables, network, build contexts. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ServiceNetwork } from '../../stacks/shared/service-props';
import type { ReadableTable } from '../../stacks/service-stack';

/** A table as the data stack would expose it, with literal ARNs. */
export function fakeTable(name: string, indexNames: readonly string[] = []): ReadableTable {
  const tableArn = `arn:aws:dynamodb:eu-west-1:123456789012:table/${name}`;
  return { tableName: name, tableArn, indexNames, indexArns: indexNames.map((index) => `${tableArn}/index/${index}`) };
}

/** The three tables with the indexes the service queries. */
export function fakeTables() {
  return {
    category: fakeTable('t-category'),
    resource: fakeTable('t-resource', ['byCategory']),
    bookmark: fakeTable('t-bookmark', ['byResource']),
  };
}

/** A VPC with two zones of literal subnet ids. */
export const FAKE_NETWORK: ServiceNetwork = {
  vpcId: 'vpc-0123',
  publicSubnetIds: ['subnet-public-a', 'subnet-public-b'],
  privateSubnetIds: ['subnet-private-a', 'subnet-private-b'],
};

/** The alarm topic the network stack would pass, as a literal ARN. */
export const FAKE_ALARM_TOPIC = 'arn:aws:sns:eu-west-1:123456789012:bookmarks-dev-alarms';

/**
 * Every fixture directory lives here: the unit layer's run directory (UNIT_FIXTURE_ROOT, made and
 * removed by its global setup and teardown, __tests__/support/light/), or a directory of this
 * process that goes when it exits.
 */
const FIXTURE_ROOT = process.env.UNIT_FIXTURE_ROOT ?? ownFixtureRoot();

function ownFixtureRoot(): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'service-fixtures-'));
  process.once('exit', () => fs.rmSync(root, { recursive: true, force: true }));
  return root;
}

/** Writes `files` (relative path → content) into a new temporary directory and returns it. */
export function writeTree(files: Readonly<Record<string, string>>, prefix = 'context-'): string {
  const dir = fs.mkdtempSync(path.join(FIXTURE_ROOT, prefix));
  for (const [relative, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, relative)), { recursive: true });
    fs.writeFileSync(path.join(dir, relative), content);
  }
  return dir;
}

/** A small build context shaped like service/: Dockerfile, .dockerignore, dist/ and ignored sources. */
export function serviceLikeContext(): string {
  return writeTree({
    Dockerfile: 'FROM node:22-bookworm-slim\nCOPY dist/server.js ./\nUSER node\nCMD ["node", "server.js"]\n',
    '.dockerignore': '*\n!dist/server.js\n!dist/public/\n',
    'dist/server.js': 'console.log("v1");\n',
    'dist/public/index.html': '<h1>v1</h1>\n',
    'src/app.ts': 'export const v = 1;\n',
  });
}
