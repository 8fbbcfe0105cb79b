/**
 * `npm start` end to end, as a new user meets it: without Terraform it stops at once; on a fresh
 * machine (a HOME without a Terraform plugin folder, TF_CLI_CONFIG_FILE naming a missing file) it
 * sets the machine up, deploys the data stack and serves the page, printing one line per step; it
 * skips the data deploy only when that would change nothing, deploying again (and saying why) after
 * each change; a Terraform failure prints the one line that says why and the log's path. Each
 * project is a scratch copy, so its state, logs and DynamoDB files never touch the worktree.
 *
 * One scratch project goes through every start in turn (each deploy of the data stack costs seconds
 * of Terraform CPU): the fresh machine's first and second start, then the changes, and a last
 * start with nothing changed. Each change is put to the start's own check, called directly, right
 * after it is made, so that each names its own reason: the table dropped by hand, the stack
 * directory left initialised for another environment's state, the deleted `.local/dynamodb` (asked
 * of a DynamoDB started on the emptied folder as npm start starts it) and the edited CSV row. One
 * start then deploys them together: it initialises the directory for the local state again,
 * creates the dropped table and its items, changes the edited row's item in place and touches
 * nothing else, which also shows that the first deploy left nothing to change. The deploy the
 * first start makes also serves the checks of `deployDataLocal` (`npm run data:local` runs the
 * same function) and of the data stack applied to the embedded DynamoDB.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DeleteTableCommand, DynamoDBClient, ListTablesCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import { checkDataUnchanged } from '../../scripts/data-unchanged';
import { startLocalDynamo } from '../../scripts/local-dynamodb';
import { requireTerraform, terraform } from '../../scripts/lib/terraform';
import { freePort, npmStart, npmStartArgs, scratchProject, stepLines, stop, waitFor } from '../support/npm-start';

// Two deploys of the data stack, two starts that skip it and a destroy, one after the other.
jest.setTimeout(900_000);

const ROOT = path.resolve(__dirname, '..', '..');

const NOISE = /[\u2800-\u28ff]|<sensitive>|Stacks? (deploying|done|waiting)|Unable to open CLI configuration file/;
const DEPLOYED = /data stack deployed in [\d.]+ s: 3 tables, 114 items; Terraform log: \.local\/logs\/deploy-data\.log; deployed because (.+)$/;
/** A change line of the category table or one of its items. */
const CATEGORY = /^aws_dynamodb_table(_item)?\.category_/;
/** The resource row the test edits, and its title before and after. */
const EDITED_ROW = { id: 'res-001', title: 'The Twelve-Factor App', edited: 'The Twelve-Factor App (edited)' };
const SKIPPED = /data stack unchanged in [\d.]+ s: 3 tables, 114 items as last deployed; deploy skipped$/;

test('without a terraform binary, npm start exits 1 within seconds naming the version to install', async () => {
  const started = Date.now();
  const child = spawn(process.execPath, npmStartArgs(), {
    cwd: ROOT,
    // An unused port: if the check were missing, the script would go on to start DynamoDB here.
    env: { ...process.env, TERRAFORM_BINARY_NAME: '/nonexistent/terraform', DYNAMODB_PORT: '1', PORT: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  clearTimeout(timer);
  expect({ code, fast: Date.now() - started < 15_000, mentionsVersion: stderr.includes('Terraform 1.11.x'), saysWhy: stderr.includes('deploys the `data` stack') }).toEqual({
    code: 1,
    fast: true,
    mentionsVersion: true,
    saysWhy: true,
  });
});

describe('npm start', () => {
  let project: string;
  let home: string;
  let dataCopy: string;
  let env: NodeJS.ProcessEnv;
  let dynamodb: DynamoDBClient;
  let first: Run, second: Run, afterChanges: Run, warmAgain: Run;
  /** What `npm start`'s check answered right after the table was dropped. */
  let afterDropCheck: Awaited<ReturnType<typeof checkDataUnchanged>>;
  /** What it answered with the stack directory initialised for another state. */
  let afterOtherBackendCheck: Awaited<ReturnType<typeof checkDataUnchanged>>;
  /** What it answered with `.local/dynamodb` deleted. */
  let afterWipeCheck: Awaited<ReturnType<typeof checkDataUnchanged>>;
  /** What it answered with a CSV row edited (in a copy of data/ the app is pointed at). */
  let afterCsvCheck: Awaited<ReturnType<typeof checkDataUnchanged>>;

  /** One start, from spawn to Ctrl-C, and what it left in the project's logs. */
  interface Run {
    readonly output: string;
    /** Its data step line. */
    readonly data: string;
    readonly page: number;
    readonly stopCode: number | null;
    /** Wall time from spawning npm start to its `service ready` line. */
    readonly readyMs: number;
    /** .local/logs/deploy-data.log and .local/logs/service.log once it stopped (each deploy appends to the first). */
    readonly deployLog: string;
    readonly serviceLog: string;
    /** What `during` returned. */
    readonly seen?: unknown;
  }

  const readLog = (name: string): string => {
    const file = path.join(project, '.local', 'logs', name);
    return fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
  };
  const stackDir = (): string => path.join(project, 'cdktf.out', 'stacks', 'data');
  /** What the deploy of `run` added to the Terraform log, which each deploy appends to. */
  const deployLogOf = (run: Run, before: Run): string => run.deployLog.slice(before.deployLog.length);

  /**
   * npm start's own check, called here as the start calls it: with the start's HOME, under whose
   * cache the synthesized stack names the profile that points the provider at the embedded DynamoDB.
   */
  const startsCheck = async (endpoint: string, dataDir?: string): ReturnType<typeof checkDataUnchanged> => {
    const testEnv = { HOME: process.env.HOME, CDKTF_DATA_DIR: process.env.CDKTF_DATA_DIR };
    process.env.HOME = home;
    if (dataDir === undefined) delete process.env.CDKTF_DATA_DIR;
    else process.env.CDKTF_DATA_DIR = dataDir;
    try {
      return await checkDataUnchanged({ endpoint, cwd: project });
    } finally {
      for (const [name, value] of Object.entries(testEnv)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
  };

  /** Runs npm start until ready, runs `during` while it serves, then stops it with Ctrl-C. */
  const run = async (extraEnv: NodeJS.ProcessEnv = {}, during?: () => Promise<unknown>): Promise<Run> => {
    const spawned = Date.now();
    const start = npmStart(project, { ...env, ...extraEnv });
    try {
      await waitFor(start, /service ready in/);
      const readyMs = Date.now() - spawned;
      const page = (await fetch(`http://localhost:${env.PORT}/`)).status;
      const seen = during === undefined ? undefined : await during();
      const stopCode = await stop(start);
      const output = start.output();
      const data = stepLines(output).find((line) => / data stack /.test(line)) ?? output;
      return { output, data, page, stopCode, readyMs, deployLog: readLog('deploy-data.log'), serviceLog: readLog('service.log'), ...(seen === undefined ? {} : { seen }) };
    } finally {
      await stop(start);
    }
  };

  /** What the first deploy left, read while the second start serves. */
  let deployed: { state: boolean; list: string[]; testing: string[] };

  beforeAll(async () => {
    requireTerraform();
    // Given a scratch project, a HOME without a Terraform plugin folder and a CLI config file that does not exist
    project = scratchProject();
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'fresh-home-'));
    env = { HOME: home, TF_CLI_CONFIG_FILE: path.join(home, '.terraformrc'), PORT: String(await freePort()), DYNAMODB_PORT: String(await freePort()) };
    const endpoint = `http://127.0.0.1:${env.DYNAMODB_PORT}`;
    dynamodb = new DynamoDBClient({
      endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    // When npm start runs twice, stopped with Ctrl-C each time; while the second serves, the first
    // deploy is read back (state, a query), then a table is dropped by hand and npm start's check
    // asked about it. Whether a deploy left anything to change is read from the next deploy's
    // apply, which plans every resource: a separate plan would cost as much again.
    first = await run();
    second = await run({}, async () => {
      const state = fs.existsSync(path.join(project, 'state', 'local', 'data.tfstate'));
      const list = terraform(stackDir(), ['state', 'list']).stdout.trim().split('\n');
      const query = await dynamodb.send(
        new QueryCommand({
          TableName: 'bookmarks-local-resource',
          IndexName: 'byCategory',
          KeyConditionExpression: 'categoryId = :c',
          ExpressionAttributeValues: { ':c': { S: 'testing' } },
        }),
      );
      deployed = { state, list, testing: (query.Items ?? []).map((i) => i.title.S as string) };
      await dynamodb.send(new DeleteTableCommand({ TableName: 'bookmarks-local-category' }));
      afterDropCheck = await startsCheck(endpoint);
    });
    // When the embedded DynamoDB's files are deleted, and npm start's check runs on a DynamoDB
    // started as npm start starts it (the files are moved aside, then put back for the next start)
    const dynamoDir = path.join(project, '.local', 'dynamodb');
    fs.renameSync(dynamoDir, `${dynamoDir}.kept`);
    const emptied = await startLocalDynamo({ port: Number(env.DYNAMODB_PORT), dir: dynamoDir });
    try {
      afterWipeCheck = await startsCheck(endpoint);
    } finally {
      await emptied.stop();
    }
    fs.rmSync(dynamoDir, { recursive: true });
    fs.renameSync(`${dynamoDir}.kept`, dynamoDir);
    // When the stack directory is left initialised for another environment's state (the table is still dropped)
    pointBackendAt(stackDir(), path.join(project, 'state', 'sandbox', 'data.tfstate'));
    afterOtherBackendCheck = await startsCheck(endpoint);
    // When a row of another table's CSV is edited (in a copy of data/ the app is pointed at)
    dataCopy = fs.mkdtempSync(path.join(os.tmpdir(), 'edited-data-'));
    fs.cpSync(path.join(ROOT, 'data'), dataCopy, { recursive: true });
    const csv = path.join(dataCopy, 'resource.csv');
    fs.writeFileSync(csv, fs.readFileSync(csv, 'utf8').replace(`${EDITED_ROW.id},architecture,${EDITED_ROW.title},`, `${EDITED_ROW.id},architecture,${EDITED_ROW.edited},`));
    afterCsvCheck = await startsCheck(endpoint, dataCopy);
    // And npm start runs with the dropped table, the other state and the edited row (the DynamoDB files are back)
    const title = async (): Promise<unknown> =>
      ((await (await fetch(`http://localhost:${env.PORT}/api/resources/${EDITED_ROW.id}`)).json()) as { item?: { title?: unknown } }).item?.title;
    afterChanges = await run({ CDKTF_DATA_DIR: dataCopy }, title);
    // When it starts again with nothing changed since, and the stack is destroyed while it serves
    warmAgain = await run({ CDKTF_DATA_DIR: dataCopy }, async () => {
      // The deploy just read every item back: a refresh before the destroy would read them all again
      terraform(stackDir(), ['destroy', '-auto-approve', '-refresh=false', '-input=false', '-no-color']);
      return (await dynamodb.send(new ListTablesCommand({}))).TableNames;
    });
  });

  afterAll(() => {
    dynamodb?.destroy();
    for (const dir of [project, home, dataCopy]) if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  describe('on a fresh machine', () => {
    test('the first start prints one line per step, with its duration, and serves the page', () => {
      const lines = stepLines(first.output);
      expect({ page: first.page, steps: lines.map((l) => /^\[npm start\] ([a-zA-Z ]+?)(?: in [\d.]+ s)?(?::|$)/.exec(l)?.[1] ?? l) }).toEqual({
        page: 200,
        steps: ['machine prepared', 'DynamoDB up', 'data stack deployed', 'service ready', 'stopped'],
      });
    });

    test('the deploy line counts the tables and items and names the Terraform log under .local/', () => {
      expect(first.output).toMatch(/data stack deployed in [\d.]+ s: 3 tables, 114 items; Terraform log: \.local\/logs\/deploy-data\.log/);
    });

    test('the Terraform log holds the whole deploy', () => {
      expect(first.deployLog).toMatch(/Apply complete! Resources: 117 added, 0 changed, 0 destroyed/);
    });

    test('the terminal shows no spinner frames, status bars, <sensitive> outputs or CLI-config warnings', () => {
      expect([...first.output.split('\n'), ...second.output.split('\n')].filter((l) => NOISE.test(l))).toEqual([]);
    });

    test('the set-up created the empty CLI config file and linked the provider into the fresh HOME', () => {
      const plugins = path.join(home, '.terraform.d', 'plugins', 'registry.terraform.io', 'hashicorp', 'aws', '5.100.0');
      expect({ config: fs.readFileSync(path.join(home, '.terraformrc'), 'utf8'), provider: fs.existsSync(plugins) }).toEqual({ config: '', provider: true });
    });

    test('the first start deploys because nothing was deployed before', () => {
      expect(first.output).toMatch(/data stack deployed in .*; deployed because no earlier deploy is recorded\n/);
    });

    test('the second start has nothing to prepare, skips the unchanged data stack and serves the page again', () => {
      const steps = stepLines(second.output);
      expect({ page: second.page, prepared: steps.some((l) => l.includes('machine prepared')), data: steps.filter((l) => / data stack /.test(l)) }).toEqual({
        page: 200,
        prepared: false,
        data: [expect.stringMatching(/^\[npm start\] data stack unchanged in [\d.]+ s: 3 tables, 114 items as last deployed; deploy skipped$/)],
      });
    });

    test('the second start does not rebuild the unchanged service bundle', () => {
      expect(second.serviceLog.split('\n').filter((line) => line.includes('service/build.mjs'))).toHaveLength(1);
    });

    // A ratio, not seconds: both starts see the same machine load, and only the skipped deploy sets them apart.
    test('the second start is ready in less than half the time of the first', () => {
      expect({ first: first.readyMs, second: second.readyMs, secondUnderHalf: second.readyMs < first.readyMs / 2 }).toEqual(expect.objectContaining({ secondUnderHalf: true }));
    });

    test('Ctrl-C stops everything with exit code 0', () => {
      expect([first.stopCode, second.stopCode]).toEqual([0, 0]);
    });
  });

  describe('deploys the data stack again after each change, and skips it without one', () => {
    test('the first start deploys, the second finds the stack unchanged, skips the deploy and serves the page', () => {
      expect([DEPLOYED.exec(first.data)?.[1], second.data, second.page]).toEqual(['no earlier deploy is recorded', expect.stringMatching(SKIPPED), 200]);
    });

    test("a table dropped by hand makes the start's check deploy again, naming the table", () => {
      expect(afterDropCheck).toEqual({ unchanged: false, reason: 'the embedded DynamoDB has no table bookmarks-local-category', stack: expect.any(String) });
    });

    test("a deleted .local/dynamodb makes the start's check deploy again, naming the first table", () => {
      expect(afterWipeCheck).toEqual({ unchanged: false, reason: 'the embedded DynamoDB has no table bookmarks-local-bookmark', stack: expect.any(String) });
    });

    test("a stack directory initialised for another environment's state makes the start's check deploy again, and the deploy initialises it for the local state", () => {
      expect([afterOtherBackendCheck, /^=== terraform init, because (.*)$/m.exec(deployLogOf(afterChanges, second))?.[1]]).toEqual([
        { unchanged: false, reason: `the stack directory is initialised for another state (${path.join(project, 'state', 'sandbox', 'data.tfstate')})`, stack: expect.any(String) },
        'the stack directory is not initialised',
      ]);
    });

    test('an edited CSV row makes the check deploy again; the start with every change deploys for the first reason the check finds and serves the edited row', () => {
      expect([afterCsvCheck, DEPLOYED.exec(afterChanges.data)?.[1], afterChanges.seen]).toEqual([
        { unchanged: false, reason: 'the synthesized data stack changed since the last deploy', stack: expect.any(String) },
        'the synthesized data stack changed since the last deploy',
        EDITED_ROW.edited,
      ]);
    });

    test('after those deploys, a start with nothing changed skips the deploy again', () => {
      expect([warmAgain.data, warmAgain.page]).toEqual([expect.stringMatching(SKIPPED), 200]);
    });
  });

  // `npm run data:local` deploys through the same deployDataLocal as npm start's data step.
  describe('deployDataLocal', () => {
    test('keeps state under state/local of the project', () => {
      expect(deployed.state).toBe(true);
    });

    test('terraform state list in the stack folder lists the tables and items', () => {
      const { list } = deployed;
      expect([list.filter((a) => a.startsWith('aws_dynamodb_table.')).length, list.filter((a) => a.startsWith('aws_dynamodb_table_item.')).length]).toEqual([3, 114]);
    });

    test("the deploy left nothing to change: the next one creates the dropped table and its items, changes the edited row's item, and nothing else", () => {
      // The next deploy is the one after the changes: the category table was dropped, a resource row edited
      const log = deployLogOf(afterChanges, second);
      const lines = (action: string) => log.match(new RegExp(`^\\S+: ${action}\\.\\.\\.`, 'gm')) ?? [];
      expect([
        /Resources: (\d+) added, (\d+) changed, (\d+) destroyed/.exec(log)?.slice(1),
        lines('Creating').length,
        lines('Creating').filter((line) => !CATEGORY.test(line)),
        lines('Modifying').length,
        lines('Destroying'),
      ]).toEqual([['11', '1', '0'], 11, [], 1, []]);
    });
  });

  describe('the local data stack applied to the embedded DynamoDB', () => {
    test('state lists the three tables and one item per CSV row', () => {
      const { list } = deployed;
      expect([list.filter((a) => a.startsWith('aws_dynamodb_table.')).length, list.filter((a) => a.startsWith('aws_dynamodb_table_item.')).length]).toEqual([3, 10 + 64 + 40]);
    });

    test('the resources of a category are queryable through the byCategory index, sorted by title', () => {
      expect(deployed.testing).toHaveLength(6);
      expect(deployed.testing).toEqual([...deployed.testing].sort());
    });

    test("editing one CSV row changes exactly that row's item, in place", () => {
      // The deploy after the changes (its part of the log, which each deploy appends to) updated one
      // item in place, the edited row's, and replaced none
      const log = deployLogOf(afterChanges, second);
      expect([log.match(/^.*Modifying\.\.\..*$/gm), log.match(/^\S+: Destroying\.\.\./gm)]).toEqual([
        [expect.stringMatching(new RegExp(`^aws_dynamodb_table_item\\.resource_item-${EDITED_ROW.id}_[0-9A-F]{8}: Modifying\\.\\.\\.`))],
        null,
      ]);
    });

    test('destroy removes every table in local', () => {
      expect(warmAgain.seen).toEqual([]);
    });
  });
});

/** Rewrites the backend cache of `stackDir` as `terraform init` for a local state at `statePath` leaves it. */
function pointBackendAt(stackDir: string, statePath: string): void {
  const cache = path.join(stackDir, '.terraform', 'terraform.tfstate');
  const initialised = JSON.parse(fs.readFileSync(cache, 'utf8')) as { backend: { config: Record<string, unknown> } };
  initialised.backend.config.path = statePath;
  fs.writeFileSync(cache, JSON.stringify(initialised));
}

describe('npm start when Terraform fails', () => {
  let project: string;
  let home: string;
  let output: string;
  let code: number | null;

  beforeAll(async () => {
    requireTerraform();
    // Given a CLI configuration that sends provider installation to a mirror that does not answer
    project = scratchProject({ withAppBuild: true });
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'broken-home-'));
    const config = path.join(home, 'terraformrc');
    fs.writeFileSync(config, 'provider_installation {\n  network_mirror {\n    url = "https://127.0.0.1:1/providers/"\n  }\n}\n');
    // When npm start runs
    const start = npmStart(project, { HOME: home, TF_CLI_CONFIG_FILE: config, PORT: String(await freePort()), DYNAMODB_PORT: String(await freePort()) });
    const timer = setTimeout(() => start.child.kill('SIGKILL'), 200_000);
    code = await start.exited;
    clearTimeout(timer);
    output = start.output();
  });

  afterAll(() => {
    for (const dir of [project, home]) if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  test('it exits 1 after the one line that says why and the path of the full log', () => {
    const lines = stepLines(output);
    expect({ code, last: lines.slice(-2) }).toEqual({
      code: 1,
      last: [expect.stringMatching(/^\[npm start\] failed: Failed to query available provider packages: .*127\.0\.0\.1:1/), '[npm start] full log: .local/logs/deploy-data.log'],
    });
  });

  test("nothing of Terraform's own output reaches the terminal", () => {
    expect(output.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('[npm start]'))).toEqual([]);
  });
});
