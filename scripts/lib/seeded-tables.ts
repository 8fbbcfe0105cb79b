/**
 * Catalogue tables on dynalite, created from `data/*.table.json` and filled from the CSVs directly
 * (CreateTable + BatchWrite): the fast path for service tests, no Terraform involved.
 */
import * as path from 'node:path';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient, type AttributeDefinition } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { chunk, loadSeedData, type KeyAttribute, type SeedTable } from '../../stacks/seed';
import type { TableNames } from '../../service/src/config';

/** The repository's data directory. */
export const DATA_DIR = path.resolve(__dirname, '..', '..', 'data');
/** Throwaway credentials dynalite accepts. */
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };
export const LOCAL_REGION = 'eu-central-1';

/** Tables created for one test file, with the CSV items they hold. */
export interface SeededTables {
  /** Physical names and index names, as the service config expects them. */
  readonly names: TableNames;
  /** The seed data by logical table name (`Category`, `Resource`, `Bookmark`). */
  readonly seed: ReadonlyMap<string, SeedTable>;
}

/**
 * The environment of the service against seeded tables on `endpoint`: region, static local
 * credentials, endpoint and table names; `extra` adds or overrides variables.
 */
export function serviceEnv(endpoint: string, names: TableNames, extra: Record<string, string> = {}): Record<string, string> {
  return {
    AWS_REGION: LOCAL_REGION,
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    DYNAMODB_ENDPOINT: endpoint,
    CATEGORY_TABLE: names.category,
    RESOURCE_TABLE: names.resource,
    BOOKMARK_TABLE: names.bookmark,
    RESOURCE_CATEGORY_INDEX: names.resourceCategoryIndex,
    BOOKMARK_RESOURCE_INDEX: names.bookmarkResourceIndex,
    ...extra,
  };
}

/** Creates Category, Resource and Bookmark under `prefix` on `endpoint` and writes every CSV row. */
export async function createSeededTables(endpoint: string, prefix = 'test'): Promise<SeededTables> {
  const seed = new Map(loadSeedData(DATA_DIR).map((t) => [t.definition.name, t] as const));
  const physical = (logical: string): string => `${prefix}-${logical.toLowerCase()}`;
  const client = new DynamoDBClient({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  const doc = DynamoDBDocumentClient.from(client);
  try {
    for (const { definition, items } of seed.values()) {
      const keys: KeyAttribute[] = [definition.partitionKey, ...(definition.sortKey ? [definition.sortKey] : [])];
      for (const gsi of definition.globalSecondaryIndexes) keys.push(gsi.partitionKey, ...(gsi.sortKey ? [gsi.sortKey] : []));
      const attributes = new Map<string, AttributeDefinition>(keys.map((k) => [k.name, { AttributeName: k.name, AttributeType: k.type }]));
      const keySchema = (pk: KeyAttribute, sk?: KeyAttribute) => [
        { AttributeName: pk.name, KeyType: 'HASH' as const },
        ...(sk ? [{ AttributeName: sk.name, KeyType: 'RANGE' as const }] : []),
      ];
      await client.send(
        new CreateTableCommand({
          TableName: physical(definition.name),
          BillingMode: 'PAY_PER_REQUEST',
          AttributeDefinitions: [...attributes.values()],
          KeySchema: keySchema(definition.partitionKey, definition.sortKey),
          ...(definition.globalSecondaryIndexes.length > 0
            ? {
                GlobalSecondaryIndexes: definition.globalSecondaryIndexes.map((g) => ({
                  IndexName: g.name,
                  KeySchema: keySchema(g.partitionKey, g.sortKey),
                  Projection: { ProjectionType: g.projection, ...(g.nonKeyAttributes ? { NonKeyAttributes: [...g.nonKeyAttributes] } : {}) },
                })),
              }
            : {}),
        }),
      );
      // dynalite reports a new table CREATING for a moment, and writes to it fail until it is ACTIVE.
      await waitUntilActive(client, physical(definition.name));
      for (const batch of chunk(items, 25)) {
        const writes = batch.map((item) => ({ PutRequest: { Item: item as Record<string, unknown> } }));
        let pending: Record<string, typeof writes> | undefined = { [physical(definition.name)]: writes };
        while (pending && Object.keys(pending).length > 0) {
          const out = await doc.send(new BatchWriteCommand({ RequestItems: pending }));
          pending = out.UnprocessedItems as typeof pending;
        }
      }
    }
  } finally {
    client.destroy();
  }
  return {
    names: {
      category: physical('Category'),
      resource: physical('Resource'),
      bookmark: physical('Bookmark'),
      resourceCategoryIndex: 'byCategory',
      bookmarkResourceIndex: 'byResource',
    },
    seed,
  };
}

async function waitUntilActive(client: DynamoDBClient, tableName: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    const indexesActive = (Table?.GlobalSecondaryIndexes ?? []).every((i) => i.IndexStatus === 'ACTIVE');
    if (Table?.TableStatus === 'ACTIVE' && indexesActive) return;
    if (Date.now() > deadline) throw new Error(`table ${tableName} not ACTIVE after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** The CSV items of one logical table, as plain JSON values (sets become sorted arrays). */
export function seedItems(tables: SeededTables, logical: string): Record<string, unknown>[] {
  const table = tables.seed.get(logical);
  if (!table) throw new Error(`no seed table ${logical}; have ${[...tables.seed.keys()].join(', ')}`);
  return table.items.map((item) => Object.fromEntries(Object.entries(item).map(([k, v]) => [k, v instanceof Set ? [...v].sort() : v])));
}
