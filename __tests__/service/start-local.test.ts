import * as path from 'node:path';
import { describeDataStep, localServiceEnv, terraformProblem } from '../../scripts/start-local';
import { SERVICE_ENV_VARS } from '../../service/src/config';

const ROOT = path.resolve(__dirname, '..', '..');

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
    expect([env.CATEGORY_TABLE, env.RESOURCE_TABLE, env.BOOKMARK_TABLE]).toEqual(['bookmarks-local-category', 'bookmarks-local-resource', 'bookmarks-local-bookmark']);
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

describe('describeDataStep', () => {
  const tables = { 'bookmarks-local-bookmark': 40, 'bookmarks-local-category': 10, 'bookmarks-local-resource': 64 };

  test('a skipped deploy says the stack is unchanged, what the tables hold and that the deploy was skipped', () => {
    expect(describeDataStep({ unchanged: true, tables, items: 114 })).toEqual({ title: 'data stack unchanged', detail: '3 tables, 114 items as last deployed; deploy skipped' });
  });

  test('a deploy names its log and why it ran', () => {
    const deployed = describeDataStep({ tables, items: 114, ms: 15_000, logFile: path.join(ROOT, '.local', 'logs', 'deploy-data.log'), because: 'no earlier deploy is recorded' });
    expect(deployed).toEqual({
      title: 'data stack deployed',
      detail: '3 tables, 114 items; Terraform log: .local/logs/deploy-data.log; deployed because no earlier deploy is recorded',
    });
  });
});
