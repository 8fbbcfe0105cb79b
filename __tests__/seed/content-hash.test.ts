import { contentHash, type TableDefinition } from '../../stacks/seed';

const TABLE: TableDefinition = {
  name: 'T',
  csv: 't.csv',
  partitionKey: { name: 'id', type: 'S' },
  globalSecondaryIndexes: [],
  columns: [
    { name: 'id', type: 'string' },
    { name: 'v', type: 'string' },
  ],
};

describe('contentHash', () => {
  test('ignores row order', () => {
    expect(
      contentHash(TABLE, [
        { id: 'a', v: '1' },
        { id: 'b', v: '2' },
      ]),
    ).toBe(
      contentHash(TABLE, [
        { id: 'b', v: '2' },
        { id: 'a', v: '1' },
      ]),
    );
  });

  test('changes when one value changes', () => {
    expect(contentHash(TABLE, [{ id: 'a', v: '1' }])).not.toBe(contentHash(TABLE, [{ id: 'a', v: '2' }]));
  });
});
