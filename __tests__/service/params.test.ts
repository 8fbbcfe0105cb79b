import { BadRequestError } from '../../service/src/errors';
import { DEFAULT_LIMIT, MAX_ID_LENGTH, parseCursorParam, parseId, parseLimit } from '../../service/src/params';

describe('parseLimit', () => {
  test('defaults when absent', () => {
    expect(parseLimit(undefined)).toBe(DEFAULT_LIMIT);
  });

  test('accepts the maximum', () => {
    expect(parseLimit('100')).toBe(100);
  });

  test.each(['0', '101', '-1', '1.5', 'ten', '', '1e2'])('rejects limit=%p', (raw) => {
    expect(() => parseLimit(raw)).toThrow(BadRequestError);
  });

  test('rejects a repeated limit parameter', () => {
    expect(() => parseLimit(['1', '2'])).toThrow(BadRequestError);
  });
});

describe('parseId', () => {
  test('accepts an id of the maximum length', () => {
    expect(parseId('id', 'x'.repeat(MAX_ID_LENGTH))).toHaveLength(MAX_ID_LENGTH);
  });

  test('rejects an overlong id naming the parameter', () => {
    expect(() => parseId('category', 'x'.repeat(MAX_ID_LENGTH + 1))).toThrow(/category must be at most 128 characters$/);
  });

  test('rejects control characters', () => {
    expect(() => parseId('id', 'a\nb')).toThrow(BadRequestError);
  });
});

describe('parseCursorParam', () => {
  test('rejects a repeated cursor parameter', () => {
    expect(() => parseCursorParam(['a', 'b'])).toThrow(BadRequestError);
  });
});
