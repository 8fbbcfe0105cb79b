/** What a synthesized data stack seeds, and whether DynamoDB holds it, compared as Terraform's refresh would. */
import { canonicalItem, canonicalNumber, contentsProblem, seededTables, type ObservedTable, type SeededTableSpec } from '../../scripts/lib/seeded-contents';

const item = (fields: Record<string, unknown>) => JSON.stringify(fields);
const stack = {
  resource: {
    aws_dynamodb_table: {
      category_table_1: { name: 'bookmarks-local-category', hash_key: 'id' },
      bookmark_table_2: { name: 'bookmarks-local-bookmark', hash_key: 'id', global_secondary_index: [{ name: 'byResource', hash_key: 'resourceId' }] },
    },
    aws_dynamodb_table_item: {
      category_item_a: { table_name: '${aws_dynamodb_table.category_table_1.name}', hash_key: 'id', item: item({ id: { S: 'a' }, sortOrder: { N: '1' } }) },
      bookmark_item_b: { table_name: '${aws_dynamodb_table.bookmark_table_2.name}', hash_key: 'id', item: item({ id: { S: 'b' }, resourceId: { S: 'r' } }) },
      category_item_c: { table_name: '${aws_dynamodb_table.category_table_1.name}', hash_key: 'id', item: item({ id: { S: 'c' }, tags: { SS: ['x', 'y'] } }) },
    },
  },
};

describe('seededTables', () => {
  test('lists each table with its keys, indexes and seeded items, by name', () => {
    expect(seededTables(stack)).toEqual([
      { name: 'bookmarks-local-bookmark', hashKey: 'id', indexes: ['byResource'], items: [{ id: { S: 'b' }, resourceId: { S: 'r' } }] },
      {
        name: 'bookmarks-local-category',
        hashKey: 'id',
        indexes: [],
        items: [
          { id: { S: 'a' }, sortOrder: { N: '1' } },
          { id: { S: 'c' }, tags: { SS: ['x', 'y'] } },
        ],
      },
    ]);
  });

  test('a table seeded by a batch writer cannot be listed: the reason names the resource type', () => {
    const batch = { resource: { ...stack.resource, terraform_data: { batch_seed: { triggers_replace: {} } } } };
    expect(seededTables(batch)).toBe('the stack seeds through terraform_data, whose writes the check cannot list');
  });

  test('an item whose table is not a table of the stack is a reason, naming the item', () => {
    const stray = { resource: { aws_dynamodb_table_item: { x: { table_name: 'elsewhere', item: '{}' } } } };
    expect(seededTables(stray)).toBe('aws_dynamodb_table_item.x names no table of the stack');
  });
});

describe('canonicalNumber', () => {
  test.each([
    ['1.50', '15e-1'],
    ['+1.5e0', '15e-1'],
    ['15E-1', '15e-1'],
    ['100', '1e2'],
    ['007', '7e0'],
    ['-0.0', '0'],
    ['-2', '-2e0'],
  ])('%s is written %s', (text, canonical) => {
    expect(canonicalNumber(text)).toBe(canonical);
  });

  test('different numbers stay different', () => {
    expect(canonicalNumber('12345678901234567890123456789012345678')).not.toBe(canonicalNumber('12345678901234567890123456789012345679'));
  });
});

describe('canonicalItem', () => {
  test('attribute order, set order and number notation do not matter', () => {
    expect(canonicalItem({ tags: { SS: ['y', 'x'] }, n: { N: '1.0' }, id: { S: 'a' } })).toBe(canonicalItem({ id: { S: 'a' }, n: { N: '1' }, tags: { SS: ['x', 'y'] } }));
  });

  test('list order matters', () => {
    expect(canonicalItem({ l: { L: [{ S: 'x' }, { S: 'y' }] } })).not.toBe(canonicalItem({ l: { L: [{ S: 'y' }, { S: 'x' }] } }));
  });

  test('a string is not the number it spells', () => {
    expect(canonicalItem({ v: { S: '1' } })).not.toBe(canonicalItem({ v: { N: '1' } }));
  });
});

describe('contentsProblem', () => {
  const specs = seededTables(stack) as SeededTableSpec[];
  const active = (name: string, extra: Partial<ObservedTable['table']> = {}) => ({
    status: 'ACTIVE',
    hashKey: 'id',
    indexes: name === 'bookmarks-local-bookmark' ? ['byResource'] : [],
    ...extra,
  });
  /** DynamoDB as the deploy left it, with `change` applied to one table. */
  const holding = (change: Record<string, ObservedTable> = {}): Map<string, ObservedTable> =>
    new Map(
      Object.entries<ObservedTable>({
        'bookmarks-local-bookmark': { table: active('bookmarks-local-bookmark'), items: [{ id: { S: 'b' }, resourceId: { S: 'r' } }] },
        'bookmarks-local-category': {
          table: active('bookmarks-local-category'),
          items: [
            { tags: { SS: ['y', 'x'] }, id: { S: 'c' } },
            { id: { S: 'a' }, sortOrder: { N: '1' } },
          ],
        },
        ...change,
      }),
    );

  test('every table and seeded item in place, in any order: nothing to deploy', () => {
    expect(contentsProblem(specs, holding())).toBeUndefined();
  });

  test('items the stack does not seed are ignored, as Terraform ignores them', () => {
    const extra = { table: active('bookmarks-local-bookmark'), items: [{ id: { S: 'b' }, resourceId: { S: 'r' } }, { id: { S: 'added-by-hand' } }] };
    expect(contentsProblem(specs, holding({ 'bookmarks-local-bookmark': extra }))).toBeUndefined();
  });

  test('a missing table is named', () => {
    expect(contentsProblem(specs, holding({ 'bookmarks-local-category': { items: [] } }))).toBe('the embedded DynamoDB has no table bookmarks-local-category');
  });

  test('a table that is not ACTIVE is named with its status', () => {
    const deleting = { table: active('bookmarks-local-bookmark', { status: 'DELETING' }), items: [] };
    expect(contentsProblem(specs, holding({ 'bookmarks-local-bookmark': deleting }))).toBe('the table bookmarks-local-bookmark is DELETING');
  });

  test('a table without its index is a reason', () => {
    const noIndex = { table: active('bookmarks-local-bookmark', { indexes: [] }), items: [{ id: { S: 'b' }, resourceId: { S: 'r' } }] };
    expect(contentsProblem(specs, holding({ 'bookmarks-local-bookmark': noIndex }))).toBe('the table bookmarks-local-bookmark has other keys or indexes than the stack declares');
  });

  test('a deleted seeded item is named by its key', () => {
    const without = { table: active('bookmarks-local-category'), items: [{ id: { S: 'a' }, sortOrder: { N: '1' } }] };
    expect(contentsProblem(specs, holding({ 'bookmarks-local-category': without }))).toBe('the table bookmarks-local-category lacks the seeded item id=c');
  });

  test('an item edited by hand is named by its key', () => {
    const edited = {
      table: active('bookmarks-local-category'),
      items: [
        { id: { S: 'a' }, sortOrder: { N: '2' } },
        { id: { S: 'c' }, tags: { SS: ['x', 'y'] } },
      ],
    };
    expect(contentsProblem(specs, holding({ 'bookmarks-local-category': edited }))).toBe('the item id=a of bookmarks-local-category differs from its seed');
  });
});
