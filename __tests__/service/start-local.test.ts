import { localServiceEnv, terraformProblem } from '../../scripts/start-local';
import { SERVICE_ENV_VARS } from '../../service/src/config';

const version = (v: string) => () => ({ stdout: JSON.stringify({ terraform_version: v }) });

describe('terraformProblem', () => {
  test('accepts Terraform 1.11.4', () => {
    expect(terraformProblem('terraform', version('1.11.4'))).toBeUndefined();
  });

  test('accepts the minimum, 1.10.0', () => {
    expect(terraformProblem('terraform', version('1.10.0'))).toBeUndefined();
  });

  test('rejects 1.9.8 as too old, naming the version to install', () => {
    expect(terraformProblem('terraform', version('1.9.8'))).toMatch(/Terraform 1\.9\.8 is too old\.\nInstall Terraform 1\.11\.x/);
  });

  test('explains a missing binary: what to install and why npm start needs it', () => {
    const missing = Object.assign(new Error('spawnSync terraform ENOENT'), { code: 'ENOENT' });
    const message = terraformProblem('terraform', () => ({ error: missing, stdout: '' }));
    expect([message?.includes('ENOENT'), message?.includes('1.11.x'), message?.includes('deploys the `data` stack')]).toEqual([true, true, true]);
  });

  test('reads the plain-text version of old binaries without -json', () => {
    expect(terraformProblem('terraform', () => ({ stdout: 'Terraform v0.12.31\n' }))).toMatch(/0\.12\.31 is too old/);
  });
});

describe('localServiceEnv', () => {
  const env = localServiceEnv({ port: 8080, dynamoEndpoint: 'http://127.0.0.1:8000', env: { PATH: '/bin' } });

  test('names the tables with the stacks naming function for the local environment', () => {
    expect([env.CATEGORY_TABLE, env.RESOURCE_TABLE, env.BOOKMARK_TABLE]).toEqual([
      'bookmarks-local-category',
      'bookmarks-local-resource',
      'bookmarks-local-bookmark',
    ]);
  });

  test('sets only variables the service documents, plus PATH and local credentials', () => {
    const documented = new Set(SERVICE_ENV_VARS.map((v) => v.name));
    const extra = Object.keys(env).filter((k) => !documented.has(k));
    expect(extra.sort()).toEqual(['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'PATH']);
  });

  test('passes basic auth through from the caller environment', () => {
    const withAuth = localServiceEnv({ port: 1, dynamoEndpoint: 'http://x', env: { BASIC_AUTH_USER: 'u', BASIC_AUTH_PASSWORD: 'p' } });
    expect([withAuth.BASIC_AUTH_USER, withAuth.BASIC_AUTH_PASSWORD]).toEqual(['u', 'p']);
  });
});
