import { requestIdFrom } from '../../service/src/request-context';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('requestIdFrom', () => {
  test('reuses a well-formed incoming id', () => {
    expect(requestIdFrom('abc-123.def_456')).toBe('abc-123.def_456');
  });

  test('replaces an id with characters that could forge log lines by a fresh UUID', () => {
    expect(requestIdFrom('abc\n{"level":"fatal"}')).toMatch(UUID);
  });

  test('replaces an overlong id by a fresh UUID', () => {
    expect(requestIdFrom('a'.repeat(129))).toMatch(UUID);
  });

  test('generates a UUID when there is no incoming id', () => {
    expect(requestIdFrom(undefined)).toMatch(UUID);
  });
});
