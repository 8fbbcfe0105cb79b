/**
 * The large-data path for real: 2,000 resources (above the 1,000-row threshold) seeded into
 * dynalite by one terraform_data running the batch writer; Terraform's resource count stays flat.
 */
import { DynamoDBClient, GetItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { generateSeedData } from '../../bench/generate-data';
import { startDynalite, type TestDynalite } from '../support/dynalite';
import { writeLocalDataStack } from '../support/local-data-stack';
import { applyReportingChanges, init, plan, requireTerraform, terraform } from '../../scripts/lib/terraform';

jest.setTimeout(180_000);

const ROWS = 2000;
let dynamo: TestDynalite;
let client: DynamoDBClient;
let work: string;
let dataDir: string;
let outDir: string;

const synth = () => writeLocalDataStack({ endpoint: dynamo.endpoint, dataDir, stateDir: path.join(work, 'state'), outDir });
const apply = () => terraform(outDir, ['apply', '-auto-approve', '-input=false', '-no-color']);

async function countItems(table: string): Promise<number> {
  let count = 0;
  let start: Record<string, never> | undefined;
  do {
    const page = await client.send(new ScanCommand({ TableName: table, Select: 'COUNT', ExclusiveStartKey: start }));
    count += page.Count ?? 0;
    start = page.LastEvaluatedKey as typeof start;
  } while (start);
  return count;
}

beforeAll(async () => {
  requireTerraform();
  dynamo = await startDynalite();
  client = new DynamoDBClient({ endpoint: dynamo.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'batch-int-'));
  dataDir = generateSeedData(path.join(work, 'data'), ROWS);
  outDir = path.join(work, 'stack');
  synth();
  init(outDir);
  apply();
});

afterAll(async () => {
  client?.destroy();
  await dynamo?.stop();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

describe(`a ${ROWS}-row table seeded in batches`, () => {
  test('holds every row after apply', async () => {
    expect(await countItems('bookmarks-local-resource')).toBe(ROWS);
  });

  test('costs one Terraform resource for the large table instead of one per row', () => {
    const state = terraform(outDir, ['state', 'list']).stdout.trim().split('\n');
    expect(state.filter((a) => a.startsWith('terraform_data.'))).toEqual([expect.stringMatching(/^terraform_data\.resource_batch-seed_/)]);
    expect(state.filter((a) => a.startsWith('aws_dynamodb_table_item.resource_'))).toEqual([]);
  });

  test('a second plan shows no changes', () => {
    expect(plan(outDir)).toEqual([]);
  });

  test('editing one row replaces only the batch step, which writes the new value', async () => {
    // Given one edited row
    const csv = path.join(dataDir, 'resource.csv');
    fs.writeFileSync(csv, fs.readFileSync(csv, 'utf8').replace('"Generated resource 42, part 1"', '"Edited resource 42"'));
    synth();
    // When applied (one command that plans and applies: a saved plan, its show and its apply would start the provider three times)
    const changes = applyReportingChanges(outDir);
    // Then the batch step alone was replaced
    expect(changes.map((c) => [c.type, c.actions.join('+')])).toEqual([['terraform_data', 'delete+create']]);
    // And it wrote the edited item
    const item = await client.send(new GetItemCommand({ TableName: 'bookmarks-local-resource', Key: { id: { S: 'gen-0042' } } }));
    expect(item.Item?.title).toEqual({ S: 'Edited resource 42' });
  });
});
