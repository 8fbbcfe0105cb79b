/**
 * The batch seeding path: writes every item of one table with BatchWriteItem (25 per request),
 * retrying unprocessed items. Terraform runs it from the `terraform_data` of a large SeededTable;
 * it reads the CSV through the same loader that synthesized the plan.
 *
 * Environment: SEED_DATA_DIR, SEED_TABLE (logical name), SEED_TABLE_NAME (physical name),
 * SEED_CONTENT_HASH (optional: refuse to write if the CSV changed since the plan), and the usual
 * AWS_REGION / AWS_ENDPOINT_URL_DYNAMODB / credentials.
 */
import { BatchWriteItemCommand, DynamoDBClient, type BatchWriteItemCommandOutput, type WriteRequest } from '@aws-sdk/client-dynamodb';
import { chunk, contentHash, loadSeedData, toDynamoDbJson, type SeedItem } from '../stacks/seed';
import { runAsScript } from './run-as-script';

/** BatchWriteItem accepts at most 25 put requests. */
const BATCH_SIZE = 25;
/** Requests in flight; on-demand tables absorb this, and throttled items are retried. */
const CONCURRENCY = 8;
const MAX_ATTEMPTS = 10;

/** Options of {@link writeItems}. */
export interface WriteItemsOptions {
  /** @default 8 */
  readonly concurrency?: number;
  /** Waits between retries of unprocessed items. @default exponential backoff from 50 ms */
  readonly backoffMs?: (attempt: number) => number;
}

/** The one DynamoDB call the writer makes (a DynamoDBClient, or a stub in tests). */
export interface BatchWriteClient {
  send(command: BatchWriteItemCommand): Promise<BatchWriteItemCommandOutput>;
}

/** Puts `items` into `tableName` in batches of 25, retrying UnprocessedItems; resolves to the count written. */
export async function writeItems(client: BatchWriteClient, tableName: string, items: readonly SeedItem[], options: WriteItemsOptions = {}): Promise<number> {
  const backoff = options.backoffMs ?? ((attempt: number) => Math.min(50 * 2 ** attempt, 5000));
  const batches = chunk(items, BATCH_SIZE);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < batches.length) {
      const batch = batches[next++];
      let requests: WriteRequest[] = batch.map((item) => ({ PutRequest: { Item: toDynamoDbJson(item) } }));
      for (let attempt = 0; requests.length > 0; attempt++) {
        if (attempt >= MAX_ATTEMPTS) throw new Error(`${tableName}: ${requests.length} items still unprocessed after ${MAX_ATTEMPTS} attempts`);
        if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, backoff(attempt)));
        const result = await client.send(new BatchWriteItemCommand({ RequestItems: { [tableName]: requests } }));
        requests = result.UnprocessedItems?.[tableName] ?? [];
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrency ?? CONCURRENCY, batches.length) }, worker));
  return items.length;
}

async function main(): Promise<void> {
  const required = (name: string): string => {
    const value = process.env[name];
    if (!value) throw new Error(`seed-table: ${name} is not set`);
    return value;
  };
  const dataDir = required('SEED_DATA_DIR');
  const logical = required('SEED_TABLE');
  const tableName = required('SEED_TABLE_NAME');
  const table = loadSeedData(dataDir).find((t) => t.definition.name === logical);
  if (!table) throw new Error(`seed-table: no table "${logical}" in ${dataDir}`);
  const expected = process.env.SEED_CONTENT_HASH;
  if (expected && contentHash(table.definition, table.items) !== expected) {
    throw new Error(`seed-table: ${table.definition.csv} changed since the plan was made; plan again`);
  }
  const started = Date.now();
  const client = new DynamoDBClient({});
  try {
    const count = await writeItems(client, tableName, table.items);
    console.log(`seed-table: wrote ${count} items to ${tableName} in ${Date.now() - started} ms`);
  } finally {
    client.destroy();
  }
}

runAsScript(module, main);
