/**
 * `npm start` skips the data deploy only when it would change nothing: after each change below it
 * deploys again (and says why), and with nothing changed it skips. One scratch project goes through
 * the changes in turn, each start beginning where a skip was due, so every deploy is the change's.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { requireTerraform } from '../../scripts/lib/terraform';
import { freePort, npmStart, scratchProject, stepLines, stop, waitFor } from '../support/npm-start';

// Five deploys of the data stack and two starts that skip it, one after the other.
jest.setTimeout(900_000);
// The pinned AWS SDK runs on Node 20; its notice about future versions needing Node 22 is not ours to act on here.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const ROOT = path.resolve(__dirname, '..', '..');
const DEPLOYED = /data stack deployed in [\d.]+ s: 3 tables, 114 items; Terraform log: \.local\/logs\/deploy-data\.log; deployed because (.+)$/;
const SKIPPED = /data stack unchanged in [\d.]+ s: 3 tables, 114 items as last deployed; deploy skipped$/;

/** One start, from spawn to Ctrl-C. */
interface Run {
  /** Its data step line. */
  readonly data: string;
  readonly page: number;
  /** What `during` returned. */
  readonly seen?: unknown;
}

describe('npm start deploys the data stack again after each change, and skips it without one', () => {
  let project: string;
  let dataCopy: string;
  let env: NodeJS.ProcessEnv;
  let first: Run, warm: Run, afterDrop: Run, afterWipe: Run, afterOtherBackend: Run, afterCsv: Run, warmAgain: Run;

  /** Runs npm start until ready, runs `during` while it serves, then stops it. */
  const run = async (extraEnv: NodeJS.ProcessEnv = {}, during?: () => Promise<unknown>): Promise<Run> => {
    const start = npmStart(project, { ...env, ...extraEnv });
    try {
      await waitFor(start, /service ready in/);
      const page = (await fetch(`http://localhost:${env.PORT}/`)).status;
      const seen = during === undefined ? undefined : await during();
      const data = stepLines(start.output()).find((line) => / data stack /.test(line)) ?? start.output();
      return { data, page, ...(seen === undefined ? {} : { seen }) };
    } finally {
      await stop(start);
    }
  };

  beforeAll(async () => {
    requireTerraform();
    project = scratchProject();
    env = { PORT: String(await freePort()), DYNAMODB_PORT: String(await freePort()) };
    const dynamodb = new DynamoDBClient({
      endpoint: `http://127.0.0.1:${env.DYNAMODB_PORT}`,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    try {
      // Given a deployed project
      first = await run();
      // When it starts again unchanged, and a table is dropped by hand while it runs
      warm = await run({}, () => dynamodb.send(new DeleteTableCommand({ TableName: 'bookmarks-local-category' })));
      afterDrop = await run();
      // When the embedded DynamoDB's files are deleted
      fs.rmSync(path.join(project, '.local', 'dynamodb'), { recursive: true });
      afterWipe = await run();
      // When the stack directory is left initialised for another environment's state
      pointBackendAt(path.join(project, 'cdktf.out', 'stacks', 'data'), path.join(project, 'state', 'sandbox', 'data.tfstate'));
      afterOtherBackend = await run();
      // When a CSV row is edited (in a copy of data/ the app is pointed at)
      dataCopy = fs.mkdtempSync(path.join(os.tmpdir(), 'edited-data-'));
      fs.cpSync(path.join(ROOT, 'data'), dataCopy, { recursive: true });
      const csv = path.join(dataCopy, 'category.csv');
      fs.writeFileSync(csv, fs.readFileSync(csv, 'utf8').replace('architecture,Software Architecture,', 'architecture,Software Architecture (edited),'));
      const category = async (): Promise<unknown> =>
        ((await (await fetch(`http://localhost:${env.PORT}/api/categories/architecture`)).json()) as { item?: { name?: unknown } }).item?.name;
      afterCsv = await run({ CDKTF_DATA_DIR: dataCopy }, category);
      // When it starts again with nothing changed since
      warmAgain = await run({ CDKTF_DATA_DIR: dataCopy });
    } finally {
      dynamodb.destroy();
    }
  });

  afterAll(() => {
    for (const dir of [project, dataCopy]) if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  test('the first start deploys, the second finds the stack unchanged, skips the deploy and serves the page', () => {
    expect([DEPLOYED.exec(first.data)?.[1], warm.data, warm.page]).toEqual(['no earlier deploy is recorded', expect.stringMatching(SKIPPED), 200]);
  });

  test('a table dropped by hand is deployed again', () => {
    expect(DEPLOYED.exec(afterDrop.data)?.[1]).toBe('the embedded DynamoDB has no table bookmarks-local-category');
  });

  test('a deleted .local/dynamodb is deployed again', () => {
    expect(DEPLOYED.exec(afterWipe.data)?.[1]).toBe('the embedded DynamoDB has no table bookmarks-local-bookmark');
  });

  test("a stack directory initialised for another environment's state deploys again", () => {
    expect(DEPLOYED.exec(afterOtherBackend.data)?.[1]).toBe(`the stack directory is initialised for another state (${path.join(project, 'state', 'sandbox', 'data.tfstate')})`);
  });

  test('an edited CSV row deploys again, and the service serves the edited row', () => {
    expect([DEPLOYED.exec(afterCsv.data)?.[1], afterCsv.seen]).toEqual(['the synthesized data stack changed since the last deploy', 'Software Architecture (edited)']);
  });

  test('after those deploys, a start with nothing changed skips the deploy again', () => {
    expect([warmAgain.data, warmAgain.page]).toEqual([expect.stringMatching(SKIPPED), 200]);
  });
});

/** Rewrites the backend cache of `stackDir` as `terraform init` for a local state at `statePath` leaves it. */
function pointBackendAt(stackDir: string, statePath: string): void {
  const cache = path.join(stackDir, '.terraform', 'terraform.tfstate');
  const initialised = JSON.parse(fs.readFileSync(cache, 'utf8')) as { backend: { config: Record<string, unknown> } };
  initialised.backend.config.path = statePath;
  fs.writeFileSync(cache, JSON.stringify(initialised));
}
