/**
 * Real Terraform against the embedded DynamoDB: apply the local data stack with one resource per
 * item, re-plan clean, edit one CSV row, and destroy.
 */
import { DynamoDBClient, ListTablesCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startDynalite, type TestDynalite } from '../support/dynalite';
import { writeLocalDataStack } from '../support/local-data-stack';
import { copyProjectData } from '../support/seed-fixtures';
import { init, plan, requireTerraform, terraform } from '../../scripts/lib/terraform';

jest.setTimeout(180_000);

let dynamo: TestDynalite;
let client: DynamoDBClient;
let work: string;
let dataDir: string;
let outDir: string;

const synth = () => writeLocalDataStack({ endpoint: dynamo.endpoint, dataDir, stateDir: path.join(work, 'state'), outDir });

beforeAll(async () => {
  requireTerraform();
  dynamo = await startDynalite();
  client = new DynamoDBClient({ endpoint: dynamo.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'data-int-'));
  dataDir = copyProjectData();
  outDir = path.join(work, 'stack');
  synth();
  init(outDir);
  terraform(outDir, ['apply', '-auto-approve', '-input=false', '-no-color']);
});

afterAll(async () => {
  client?.destroy();
  await dynamo?.stop();
  for (const dir of [work, dataDir]) if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('the local data stack applied to dynalite', () => {
  test('state lists the three tables and one item per CSV row', () => {
    const state = terraform(outDir, ['state', 'list']).stdout.trim().split('\n');
    expect(state.filter((a) => a.startsWith('aws_dynamodb_table.'))).toHaveLength(3);
    expect(state.filter((a) => a.startsWith('aws_dynamodb_table_item.'))).toHaveLength(10 + 64 + 40);
  });

  test('the resources of a category are queryable through the byCategory index, sorted by title', async () => {
    const result = await client.send(
      new QueryCommand({
        TableName: 'bookmarks-local-resource',
        IndexName: 'byCategory',
        KeyConditionExpression: 'categoryId = :c',
        ExpressionAttributeValues: { ':c': { S: 'testing' } },
      }),
    );
    const titles = (result.Items ?? []).map((i) => i.title.S as string);
    expect(titles).toHaveLength(6);
    expect(titles).toEqual([...titles].sort());
  });

  test('a second plan shows no changes', () => {
    expect(plan(outDir)).toEqual([]);
  });

  test('editing one CSV row plans exactly one in-place item update', () => {
    // Given one edited title in the CSV copy
    const csv = path.join(dataDir, 'resource.csv');
    fs.writeFileSync(csv, fs.readFileSync(csv, 'utf8').replace(',The Practical Test Pyramid,', ',The Practical Test Pyramid (2nd edition),'));
    // When the stack is synthesized and planned again
    synth();
    const changes = plan(outDir);
    // Then only that row's item changes, in place
    expect(changes).toEqual([
      { address: expect.stringMatching(/^aws_dynamodb_table_item\.resource_item-res-047_[0-9A-F]{8}$/), type: 'aws_dynamodb_table_item', actions: ['update'] },
    ]);
  });

  test('destroy removes every table in local', async () => {
    terraform(outDir, ['destroy', '-auto-approve', '-input=false', '-no-color']);
    expect((await client.send(new ListTablesCommand({}))).TableNames).toEqual([]);
  });
});
