import { MAX_CURSOR_LENGTH, decodeCursor, encodeCursor } from '../../service/src/cursor';
import { BadRequestError } from '../../service/src/errors';

const keys = ['id', 'categoryId', 'title'];
const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('cursor', () => {
  test('decoding an encoded key returns the same key', () => {
    const key = { id: 'res-001', categoryId: 'architecture', title: 'The Twelve-Factor App' };
    expect(decodeCursor(encodeCursor(key)!, keys)).toEqual(key);
  });

  test('encodes no cursor when there is no further page', () => {
    expect(encodeCursor(undefined)).toBeUndefined();
  });

  test('the cursor is URL-safe without escaping', () => {
    expect(encodeCursor({ id: '???>>>~~~' })).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  test.each([
    ['characters outside base64url', 'abc+/='],
    ['a cursor longer than the maximum', 'A'.repeat(MAX_CURSOR_LENGTH + 1)],
    ['bytes that are not JSON', Buffer.from('not json').toString('base64url')],
    ['JSON that is not an object', b64(['res-001'])],
    ['JSON null', b64(null)],
    ['a missing key attribute', b64({ id: 'res-001', categoryId: 'architecture' })],
    ['an extra attribute', b64({ id: 'a', categoryId: 'b', title: 'c', admin: 'x' })],
    ['a number where a string is expected', b64({ id: 1, categoryId: 'b', title: 'c' })],
    ['a DynamoDB-typed value', b64({ id: { S: 'a' }, categoryId: 'b', title: 'c' })],
    ['an empty string value', b64({ id: '', categoryId: 'b', title: 'c' })],
  ])('rejects %s with a 400', (_what, cursor) => {
    expect(() => decodeCursor(cursor, keys)).toThrow(BadRequestError);
  });
});
