import { toApiItem } from '../../service/src/repository';

describe('toApiItem', () => {
  test('turns a string set into a sorted array so it serializes to JSON', () => {
    expect(JSON.stringify(toApiItem({ tags: new Set(['b', 'a']) }))).toBe('{"tags":["a","b"]}');
  });

  test('keeps scalars and lists as they are', () => {
    expect(toApiItem({ id: 'x', rating: 4.5, free: true, list: ['z', 'y'] })).toEqual({ id: 'x', rating: 4.5, free: true, list: ['z', 'y'] });
  });
});
