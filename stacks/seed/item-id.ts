import { createHash } from 'node:crypto';
import type { SeedItem, TableDefinition } from './types';

const SAFE = /[^A-Za-z0-9_-]/g;

/**
 * The construct id of a seeded item, derived from its primary key only, so reordering rows keeps
 * every id and editing a non-key cell updates one resource in place. Characters Terraform does
 * not allow in names become `_`; a short hash of the real key then keeps lossy ids distinct.
 */
export function itemConstructId(definition: TableDefinition, item: SeedItem): string {
  const parts = [definition.partitionKey.name, ...(definition.sortKey ? [definition.sortKey.name] : [])].map((k) => String(item[k]));
  const raw = parts.join('--');
  const safe = raw.replace(SAFE, '_');
  if (safe === raw) return `item-${safe}`;
  const hash = createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 8);
  return `item-${safe}-${hash}`;
}
