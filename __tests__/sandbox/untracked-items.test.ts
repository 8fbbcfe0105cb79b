import { keyId, trackedTables } from '../../scripts/lib/untracked-items';

/** A Terraform state JSON holding the given managed resources (one instance each). */
function state(...resources: { type: string; attributes: Record<string, unknown> }[]): string {
  return JSON.stringify({ version: 4, resources: resources.map((r) => ({ mode: 'managed', type: r.type, name: 'x', instances: [{ attributes: r.attributes }] })) });
}

describe('keyId', () => {
  it('writes the key attributes only, hash key first', () => {
    const item = { note: { S: 'n' }, createdAt: { S: '2024' }, id: { S: 'bm-1' } };
    expect([keyId(item, 'id'), keyId(item, 'id', 'createdAt')]).toEqual(['[{"S":"bm-1"}]', '[{"S":"bm-1"},{"S":"2024"}]']);
  });
});

describe('trackedTables', () => {
  it('gives each table of the state the keys of its items, and tables without items none', () => {
    const tables = trackedTables(
      state(
        { type: 'aws_dynamodb_table', attributes: { name: 'bookmarks', hash_key: 'id', range_key: '' } },
        { type: 'aws_dynamodb_table', attributes: { name: 'events', hash_key: 'pk', range_key: 'at' } },
        { type: 'aws_dynamodb_table', attributes: { name: 'empty', hash_key: 'id', range_key: null } },
        { type: 'aws_dynamodb_table_item', attributes: { table_name: 'bookmarks', item: '{"id":{"S":"bm-1"},"note":{"S":"x"}}' } },
        { type: 'aws_dynamodb_table_item', attributes: { table_name: 'events', item: '{"pk":{"S":"a"},"at":{"N":"7"}}' } },
        { type: 'aws_kms_key', attributes: { id: 'k' } },
      ),
    );
    expect(tables.map((t) => [t.name, t.hashKey, t.rangeKey, [...t.trackedKeys]])).toEqual([
      ['bookmarks', 'id', undefined, ['[{"S":"bm-1"}]']],
      ['events', 'pk', 'at', ['[{"S":"a"},{"N":"7"}]']],
      ['empty', 'id', undefined, []],
    ]);
  });

  it('refuses an item whose table the state does not hold, naming the file and the table', () => {
    expect(() => trackedTables(state({ type: 'aws_dynamodb_table_item', attributes: { table_name: 'gone', item: '{}' } }), '/s/data.tfstate')).toThrow(
      '/s/data.tfstate: an aws_dynamodb_table_item names table "gone", which the state does not hold',
    );
  });
});
