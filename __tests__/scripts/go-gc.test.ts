import { TERRAFORM_GO_GC, withTerraformGoGc } from '../../scripts/lib/go-gc';

describe('withTerraformGoGc', () => {
  test('makes Go collect less often than its default, keeping the rest of the environment', () => {
    expect(withTerraformGoGc({ PATH: '/usr/bin' })).toEqual({ PATH: '/usr/bin', GOGC: '400' });
  });

  test("keeps the user's own GOGC, and a GOMEMLIMIT they set", () => {
    expect(withTerraformGoGc({ GOGC: '100', GOMEMLIMIT: '2GiB' })).toEqual({ GOGC: '100', GOMEMLIMIT: '2GiB' });
    expect(withTerraformGoGc({ GOMEMLIMIT: '1GiB' })).toEqual({ ...TERRAFORM_GO_GC, GOMEMLIMIT: '1GiB' });
  });
});
