/**
 * The emulator gap `dynamodb-put-answer-lost` (scripts/lib/emulator.ts) staged with real Terraform on a
 * private moto server: an item the table already holds (as when the answer to a stored PutItem
 * was lost) stops the data stack's apply with ConditionalCheckFailedException, a plain second
 * apply fails the same way, and the sandbox's retry, which first removes the items the state does
 * not track, completes it.
 */
import { DynamoDBClient, GetItemCommand, PutItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { parse } from 'csv-parse/sync';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CdktfError } from '../../scripts/sandbox';
import { retryContext, stageRetryGap, type StagedRetry } from '../support/retry-staging';
import { trackedTables } from '../../scripts/lib/untracked-items';
import { writeLocalDataStack } from '../support/local-data-stack';
import { startMoto, type MotoServer } from '../support/moto-server';
import { init, requireTerraform, terraform } from '../../scripts/lib/terraform';
import { TfDocument, type TfJson } from '../../stacks/lib/tf-json';

const ROOT = path.join(__dirname, '..', '..');
const DATA_DIR = path.join(ROOT, 'data');

let moto: MotoServer;
let work: string;
let dir: string;
let region: string;
let dynamo: DynamoDBClient;
let bookmarkTable: string;
let bookmarkAddress: string;

/** The data stack's local state file (writeLocalDataStack's backend). */
const stateFile = () => path.join(work, 'state', 'data.tfstate');

beforeAll(async () => {
  requireTerraform();
  moto = await startMoto();
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'untracked-items-'));
  dir = path.join(work, 'data');
  writeLocalDataStack({ endpoint: moto.endpoint, dataDir: DATA_DIR, stateDir: path.join(work, 'state'), outDir: dir });
  const synthesized = new TfDocument(JSON.parse(fs.readFileSync(path.join(dir, 'cdk.tf.json'), 'utf8')) as TfJson);
  const synthesizedRegion = synthesized.json.provider?.aws?.[0]?.region;
  if (typeof synthesizedRegion !== 'string') throw new Error('the synthesized data stack configures no AWS region');
  region = synthesizedRegion;
  const table = synthesized.resources('aws_dynamodb_table').find((t) => /bookmark/i.test(String(t.props.name)));
  if (!table) throw new Error('the synthesized data stack has no Bookmark table');
  [bookmarkAddress, bookmarkTable] = [table.address, String(table.props.name)];
  dynamo = new DynamoDBClient({ endpoint: moto.endpoint, region, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  init(dir);
});

afterAll(async () => {
  dynamo?.destroy();
  await moto?.stop();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

describe('an item the table holds but the state does not (the lost PutItem answer)', () => {
  let firstFailure: unknown;
  let plainRerun: unknown;
  let log = '';
  let retried: StagedRetry['retried'] | undefined;
  /** `<table> <key>` of every item the state tracked when the retry prepared. */
  const trackedBeforeRetry = new Set<string>();

  beforeAll(async () => {
    // The tables alone, then the item a lost answer would have left behind, with other content than the CSV row.
    terraform(dir, ['apply', '-auto-approve', '-input=false', '-no-color', '-lock=false', `-target=${bookmarkAddress}`]);
    await dynamo.send(new PutItemCommand({ TableName: bookmarkTable, Item: { id: { S: 'bm-001' }, note: { S: 'left behind' } } }));
    ({ firstFailure, plainRerun, retried, log } = await stageRetryGap({
      dir,
      context: retryContext(moto.port, work, region),
      stack: 'data',
      stateFile: stateFile(),
      beforePrepare: (state) => {
        for (const table of trackedTables(state)) for (const key of table.trackedKeys) trackedBeforeRetry.add(`${table.name} ${key}`);
      },
    }));
  });

  it('stops the apply with ConditionalCheckFailedException, on every plain re-run', () => {
    expect([firstFailure, plainRerun].map((e) => (e instanceof CdktfError ? /ConditionalCheckFailedException/.test(e.output) : e))).toEqual([true, true]);
  });

  it('is removed before the retry, and no item the state tracks, as the log says', () => {
    // A lost answer of these applies themselves (the gap, met for real on a loaded machine) leaves
    // an item of its own, which the retry removes too: only a tracked item must never go.
    const removed = log
      .split('\n')
      .filter((line) => line.startsWith('#   '))
      .map((line) => line.slice(4));
    const counted = [...log.matchAll(/^# emulator gap dynamodb-put-answer-lost: removed (\d+) item\(s\) the tables hold but data's state does not$/gm)].reduce(
      (sum, m) => sum + Number(m[1]),
      0,
    );
    expect({
      staged: removed.includes(`${bookmarkTable} [{"S":"bm-001"}]`),
      counted: counted === removed.length,
      tracked: removed.filter((key) => trackedBeforeRetry.has(key)),
    }).toEqual({
      staged: true,
      counted: true,
      tracked: [],
    });
  });

  it('is then created by the retried apply from the CSV row, with state to match', async () => {
    const item = await dynamo.send(new GetItemCommand({ TableName: bookmarkTable, Key: { id: { S: 'bm-001' } } }));
    const rows = parse(fs.readFileSync(path.join(DATA_DIR, 'bookmark.csv'), 'utf8'), { columns: true }).length;
    const scanned = await dynamo.send(new ScanCommand({ TableName: bookmarkTable, Select: 'COUNT' }));
    expect([retried?.retriedFor, item.Item?.note?.S, scanned.Count]).toEqual(['dynamodb-put-answer-lost', 'Recommended by the SRE guild, "must read"', rows]);
    expect(terraform(dir, ['plan', '-detailed-exitcode', '-input=false', '-no-color', '-lock=false'], false).status).toBe(0);
  });
});
