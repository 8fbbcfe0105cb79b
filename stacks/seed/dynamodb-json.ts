import type { ItemValue, SeedItem } from './types';

/** A DynamoDB attribute value in the wire format (`{ "S": "x" }`, `{ "N": "1" }`, ...). */
export type AttributeValue = { readonly S: string } | { readonly N: string } | { readonly BOOL: boolean } | { readonly SS: string[] } | { readonly L: AttributeValue[] };

/** Converts a seed item to DynamoDB JSON, the format of `aws_dynamodb_table_item.item` and BatchWriteItem. */
export function toDynamoDbJson(item: SeedItem): Record<string, AttributeValue> {
  const out: Record<string, AttributeValue> = {};
  // Sorted keys make the rendered JSON independent of CSV column order.
  for (const name of Object.keys(item).sort()) out[name] = toAttributeValue(item[name]);
  return out;
}

function toAttributeValue(value: ItemValue): AttributeValue {
  if (typeof value === 'string') return { S: value };
  if (typeof value === 'number') return { N: String(value) };
  if (typeof value === 'boolean') return { BOOL: value };
  // DynamoDB returns set members sorted; sorting here keeps the plan free of spurious diffs.
  if (value instanceof Set) return { SS: [...value].sort() };
  return { L: (value as readonly string[]).map((s) => ({ S: s })) };
}
