import { parseBasicAuth, safeEqual } from '../../service/src/auth';

const header = (s: string): string => `Basic ${Buffer.from(s).toString('base64')}`;

describe('basic auth helpers', () => {
  test('parses user and password, keeping colons in the password', () => {
    expect(parseBasicAuth(header('admin:pa:ss'))).toEqual({ user: 'admin', password: 'pa:ss' });
  });

  test('ignores other schemes', () => {
    expect(parseBasicAuth('Bearer abc')).toBeUndefined();
  });

  test('ignores credentials without a colon', () => {
    expect(parseBasicAuth(header('admin'))).toBeUndefined();
  });

  test('compares strings of different lengths as unequal', () => {
    expect(safeEqual('secret', 'secret-but-longer')).toBe(false);
  });

  test('compares equal strings as equal', () => {
    expect(safeEqual('secret', 'secret')).toBe(true);
  });
});
