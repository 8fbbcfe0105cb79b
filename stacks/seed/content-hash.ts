import { createHash } from 'node:crypto';
import { toDynamoDbJson } from './dynamodb-json';
import type { SeedItem, TableDefinition } from './types';
import { itemConstructId } from './item-id';

/**
 * A SHA-256 of the items of a table that ignores row and column order, so it changes exactly
 * when some item's content changes. The batch seeding path replays its writes when it changes.
 */
export function contentHash(definition: TableDefinition, items: readonly SeedItem[]): string {
  const hash = createHash('sha256');
  const keyed = items.map((item) => [itemConstructId(definition, item), JSON.stringify(toDynamoDbJson(item))] as const);
  keyed.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  for (const [id, json] of keyed) hash.update(id).update('\0').update(json).update('\n');
  return hash.digest('hex');
}
