import { buildConfig, loadConfig } from '../../stacks/settings/config';
import { configProblems } from '../support/config';
import { forEnvironment } from '../support/certificates';

const ROOT = '/project';

describe('data settings', () => {
  test.each(['dev', 'prod'])('%s protects tables with backups, KMS encryption, deletion protection and prevent_destroy', (env) => {
    expect(buildConfig(env, forEnvironment(env), ROOT).data).toMatchObject({
      pointInTimeRecovery: true,
      serverSideEncryption: true,
      deletionProtection: true,
      preventDestroy: true,
    });
  });

  test('local turns every protection off', () => {
    expect(buildConfig('local', {}, ROOT).data).toMatchObject({ pointInTimeRecovery: false, serverSideEncryption: false, deletionProtection: false, preventDestroy: false });
  });

  test('reads table definitions from data/ of the project with a 1000-row batch threshold', () => {
    expect(buildConfig('dev', {}, ROOT).data).toMatchObject({ directory: '/project/data', batchSeedingThresholdRows: 1000 });
  });

  test('CDKTF_DATA_DIR and CDKTF_SEED_BATCH_THRESHOLD override the directory and threshold', () => {
    const data = loadConfig({ CDKTF_DATA_DIR: 'fixtures/big', CDKTF_SEED_BATCH_THRESHOLD: '50' }, ROOT).data;
    expect([data.directory, data.batchSeedingThresholdRows]).toEqual(['/project/fixtures/big', 50]);
  });

  test('rejects a threshold that is not a whole number', () => {
    expect(configProblems(() => loadConfig({ CDKTF_SEED_BATCH_THRESHOLD: 'lots' }, ROOT))).toEqual([
      'CDKTF_SEED_BATCH_THRESHOLD: "lots" is not a whole number; use digits, e.g. 1000',
    ]);
  });

  test('rejects point-in-time recovery in local, which the embedded DynamoDB lacks', () => {
    expect(configProblems(() => buildConfig('local', { data: { pointInTimeRecovery: true } }, ROOT))).toEqual([
      'data.pointInTimeRecovery: the embedded DynamoDB of the local environment does not support it; turn it off for local',
    ]);
  });
});
