import { chunk } from '../../stacks/seed';

describe('chunk', () => {
  test('splits into full chunks and a remainder', () => {
    expect(chunk([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
  });

  test('returns no chunks for no items', () => {
    expect(chunk([], 25)).toEqual([]);
  });

  test('rejects a size below one', () => {
    expect(() => chunk([1], 0)).toThrow('chunk size must be a positive integer, got 0');
  });
});
