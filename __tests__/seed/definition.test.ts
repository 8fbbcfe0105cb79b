import { parseTableDefinition } from '../../stacks/seed';

const VALID = {
  name: 'Resource',
  csv: 'resource.csv',
  partitionKey: { name: 'id', type: 'S' },
  globalSecondaryIndexes: [{ name: 'byCategory', partitionKey: { name: 'categoryId', type: 'S' }, sortKey: { name: 'title', type: 'S' }, projection: 'ALL' }],
  columns: [
    { name: 'id', type: 'string' },
    { name: 'categoryId', type: 'string' },
    { name: 'title', type: 'string' },
    { name: 'rating', type: 'number' },
  ],
};
const check = (json: unknown) => parseTableDefinition(json, 'data/resource.table.json');

describe('parseTableDefinition', () => {
  test('accepts a table with a global secondary index', () => {
    const { definition, problems } = check(VALID);
    expect(problems).toEqual([]);
    expect(definition?.globalSecondaryIndexes[0]).toEqual(VALID.globalSecondaryIndexes[0]);
  });

  test('defaults a missing index list to none', () => {
    const { definition } = check({ ...VALID, globalSecondaryIndexes: undefined });
    expect(definition?.globalSecondaryIndexes).toEqual([]);
  });

  test('rejects a key that is not a column', () => {
    expect(check({ ...VALID, partitionKey: { name: 'uuid', type: 'S' } }).problems).toEqual([
      'data/resource.table.json: "partitionKey" names "uuid", which is not a column; add it to "columns"',
    ]);
  });

  test('rejects a key whose column type does not match the key type', () => {
    expect(check({ ...VALID, partitionKey: { name: 'rating', type: 'S' } }).problems).toEqual([
      'data/resource.table.json: "partitionKey" "rating" has key type S, so its column must be of type string, not number',
    ]);
  });

  test('rejects an unknown column type', () => {
    const columns = [...VALID.columns, { name: 'when', type: 'date' }];
    expect(check({ ...VALID, columns }).problems).toEqual([
      'data/resource.table.json: "columns[4]" "when" has type "date"; use one of string, number, boolean, stringSet, stringList',
    ]);
  });

  test('rejects an index name used twice', () => {
    const index = VALID.globalSecondaryIndexes[0];
    expect(check({ ...VALID, globalSecondaryIndexes: [index, index] }).problems).toEqual(['data/resource.table.json: "globalSecondaryIndexes[1]".name "byCategory" is used twice']);
  });

  test('rejects an INCLUDE projection without attributes', () => {
    const index = { ...VALID.globalSecondaryIndexes[0], projection: 'INCLUDE' };
    expect(check({ ...VALID, globalSecondaryIndexes: [index] }).problems).toEqual([
      'data/resource.table.json: "globalSecondaryIndexes[0]".nonKeyAttributes must list columns of the table when projection is INCLUDE, got nothing',
    ]);
  });

  test('rejects a csv path outside the data directory', () => {
    expect(check({ ...VALID, csv: '../secret.csv' }).problems).toEqual([
      'data/resource.table.json: "csv" must be a file name ending in .csv beside the definition, got "../secret.csv"',
    ]);
  });
});
