import { NO_GO_GC, withNoGoGc } from '../../scripts/lib/go-gc';

describe('withNoGoGc', () => {
  test('turns Go collection off below a memory limit, keeping the rest of the environment', () => {
    expect(withNoGoGc({ PATH: '/usr/bin' })).toEqual({ PATH: '/usr/bin', GOGC: 'off', GOMEMLIMIT: '512MiB' });
  });

  test("keeps the user's own GOGC and GOMEMLIMIT", () => {
    expect(withNoGoGc({ GOGC: '100', GOMEMLIMIT: '2GiB' })).toEqual({ GOGC: '100', GOMEMLIMIT: '2GiB' });
    expect(withNoGoGc({ GOGC: '50' })).toEqual({ GOGC: '50', GOMEMLIMIT: NO_GO_GC.GOMEMLIMIT });
  });
});
