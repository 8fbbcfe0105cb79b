import { toDynamoDbJson } from '../../stacks/seed';

describe('toDynamoDbJson', () => {
  test('maps each value type to its DynamoDB attribute type', () => {
    expect(toDynamoDbJson({ s: '007', n: 4.5, b: false, ss: new Set(['b', 'a']), l: ['x', 'y'] })).toEqual({
      s: { S: '007' },
      n: { N: '4.5' },
      b: { BOOL: false },
      ss: { SS: ['a', 'b'] },
      l: { L: [{ S: 'x' }, { S: 'y' }] },
    });
  });

  test('renders the same JSON whatever the attribute order', () => {
    expect(JSON.stringify(toDynamoDbJson({ a: '1', b: '2' }))).toBe(JSON.stringify(toDynamoDbJson({ b: '2', a: '1' })));
  });
});
