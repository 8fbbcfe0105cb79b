import { itemConstructId, type TableDefinition } from '../../stacks/seed';

const TABLE: TableDefinition = {
  name: 'T',
  csv: 't.csv',
  partitionKey: { name: 'id', type: 'S' },
  globalSecondaryIndexes: [],
  columns: [{ name: 'id', type: 'string' }],
};
const COMPOSITE: TableDefinition = { ...TABLE, sortKey: { name: 'at', type: 'S' }, columns: [...TABLE.columns, { name: 'at', type: 'string' }] };

describe('itemConstructId', () => {
  test('is the primary key when it is a valid Terraform name', () => {
    expect(itemConstructId(TABLE, { id: 'res-001', title: 'x' })).toBe('item-res-001');
  });

  test('does not depend on non-key attributes', () => {
    expect(itemConstructId(TABLE, { id: 'a', title: 'one' })).toBe(itemConstructId(TABLE, { id: 'a', title: 'two' }));
  });

  test('joins partition and sort key', () => {
    expect(itemConstructId(COMPOSITE, { id: 'a', at: 'b' })).toBe('item-a--b');
  });

  test('keeps keys distinct that differ only in characters Terraform does not allow', () => {
    const slash = itemConstructId(TABLE, { id: 'a/b' });
    const dot = itemConstructId(TABLE, { id: 'a.b' });
    expect(slash).toMatch(/^item-a_b-[0-9a-f]{8}$/);
    expect(slash).not.toBe(dot);
    expect(slash).not.toBe(itemConstructId(TABLE, { id: 'a_b' }));
  });
});
