/**
 * Items an emulated DynamoDB table holds that the stack's Terraform state does not: what a
 * PutItem leaves behind when its effect landed but its answer was lost, so that the provider's
 * SDK sent it again and the repeat failed its `attribute_not_exists` condition (the emulator gap
 * `dynamodb-put-answer-lost`, scripts/lib/emulator.ts). The sandbox removes them before it runs the
 * failed deploy once more, which then creates them with state to match.
 */
import { DeleteItemCommand, DynamoDBClient, paginateScan, type AttributeValue } from '@aws-sdk/client-dynamodb';

/** One table and the keys of the items Terraform's state records in it. */
export interface TrackedTable {
  readonly name: string;
  readonly hashKey: string;
  readonly rangeKey?: string;
  /** Each tracked item's key, as {@link keyId} writes it. */
  readonly trackedKeys: ReadonlySet<string>;
}

interface StateFile {
  resources?: { mode: string; type: string; instances?: { attributes?: Record<string, unknown> }[] }[];
}

/** A stable text for an item's key: its key attributes in DynamoDB's JSON, hash key first. */
export function keyId(item: Readonly<Record<string, AttributeValue>>, hashKey: string, rangeKey?: string): string {
  return JSON.stringify(rangeKey ? [item[hashKey], item[rangeKey]] : [item[hashKey]]);
}

/**
 * The tables of a Terraform state (`terraform.tfstate` JSON) with the keys of its
 * `aws_dynamodb_table_item` resources. An item whose table is not in the state is an error: the
 * state is not one this function understands.
 */
export function trackedTables(stateJson: string, source = 'the state file'): TrackedTable[] {
  const state = JSON.parse(stateJson) as StateFile;
  const instances = (type: string) =>
    (state.resources ?? []).filter((r) => r.mode === 'managed' && r.type === type).flatMap((r) => (r.instances ?? []).map((i) => i.attributes ?? {}));
  const tables = new Map<string, { name: string; hashKey: string; rangeKey?: string; trackedKeys: Set<string> }>();
  for (const table of instances('aws_dynamodb_table')) {
    const name = String(table.name);
    const rangeKey = typeof table.range_key === 'string' && table.range_key !== '' ? table.range_key : undefined;
    tables.set(name, { name, hashKey: String(table.hash_key), ...(rangeKey ? { rangeKey } : {}), trackedKeys: new Set() });
  }
  for (const item of instances('aws_dynamodb_table_item')) {
    const table = tables.get(String(item.table_name));
    if (!table) throw new Error(`${source}: an aws_dynamodb_table_item names table "${String(item.table_name)}", which the state does not hold`);
    table.trackedKeys.add(keyId(JSON.parse(String(item.item)) as Record<string, AttributeValue>, table.hashKey, table.rangeKey));
  }
  return [...tables.values()];
}

/** Where the emulated DynamoDB answers. */
export interface EmulatorTarget {
  readonly endpoint: string;
  readonly region: string;
}

/**
 * Deletes from each table every item whose key the state does not track; returns the removed
 * keys as `<table> <key>`. Tables that do not exist in the emulator are skipped.
 */
export async function removeUntrackedItems(tables: readonly TrackedTable[], target: EmulatorTarget): Promise<string[]> {
  const client = new DynamoDBClient({ endpoint: target.endpoint, region: target.region, credentials: { accessKeyId: 'sandbox', secretAccessKey: 'sandbox' } });
  const removed: string[] = [];
  try {
    for (const table of tables) {
      const keys = [table.hashKey, ...(table.rangeKey ? [table.rangeKey] : [])];
      const names = Object.fromEntries(keys.map((key, i) => [`#k${i}`, key]));
      const untracked: Record<string, AttributeValue>[] = [];
      try {
        for await (const page of paginateScan({ client }, { TableName: table.name, ProjectionExpression: Object.keys(names).join(', '), ExpressionAttributeNames: names })) {
          untracked.push(...(page.Items ?? []).filter((item) => !table.trackedKeys.has(keyId(item, table.hashKey, table.rangeKey))));
        }
      } catch (error) {
        if ((error as { name?: string }).name === 'ResourceNotFoundException') continue;
        throw error;
      }
      for (const key of untracked) {
        await client.send(new DeleteItemCommand({ TableName: table.name, Key: key }));
        removed.push(`${table.name} ${keyId(key, table.hashKey, table.rangeKey)}`);
      }
    }
  } finally {
    client.destroy();
  }
  return removed;
}
