/** The bootstrap settings: their variables, and the problems of a CI role or a bootstrap state that cannot work. */
import { loadConfig } from '../../stacks/settings/config';
import { configProblems } from '../support/config';

const ROOT = '/project';

describe('the bootstrap settings', () => {
  it('expire replaced state versions after 90 days and keep the TLS-only policy outside the sandbox', () => {
    expect(loadConfig({ CDKTF_ENV: 'dev' }, ROOT).bootstrap).toEqual(
      expect.objectContaining({ noncurrentVersionDays: 90, tlsOnlyPolicy: true, preventDestroy: true, backend: 'local' }),
    );
    expect(loadConfig({ CDKTF_ENV: 'sandbox' }, ROOT).bootstrap.tlsOnlyPolicy).toBe(false);
  });

  it('read the CI repository with the main branch by default', () => {
    expect(
      loadConfig({ CDKTF_ENV: 'prod', CDKTF_CI_REPOSITORY: 'acme/bookmarks', CDKTF_CERTIFICATE_ARN: 'arn:aws:acm:eu-west-1:123456789012:certificate/x' }, ROOT).bootstrap.ci,
    ).toEqual({
      repository: 'acme/bookmarks',
      branch: 'main',
    });
  });

  it('refuse a repository with a wildcard, naming the variable and the fix', () => {
    expect(configProblems(() => loadConfig({ CDKTF_ENV: 'dev', CDKTF_CI_REPOSITORY: 'acme/*' }, ROOT))).toEqual([
      expect.stringMatching(/^bootstrap\.ci\.repository: "acme\/\*".*CDKTF_CI_REPOSITORY/),
    ]);
  });

  it('refuse a branch without a repository', () => {
    expect(configProblems(() => loadConfig({ CDKTF_ENV: 'dev', CDKTF_CI_BRANCH: 'release' }, ROOT))).toEqual([
      expect.stringContaining('CDKTF_CI_BRANCH: "release" is set without CDKTF_CI_REPOSITORY'),
    ]);
  });

  it('refuse both a branch and an environment', () => {
    const problems = configProblems(() => loadConfig({ CDKTF_ENV: 'dev', CDKTF_CI_REPOSITORY: 'acme/app', CDKTF_CI_BRANCH: 'main', CDKTF_CI_ENVIRONMENT: 'prod' }, ROOT));
    expect(problems).toEqual([expect.stringContaining('unset the other')]);
  });

  it('refuse zero noncurrent days', () => {
    expect(configProblems(() => loadConfig({ CDKTF_ENV: 'dev', CDKTF_STATE_NONCURRENT_DAYS: '0' }, ROOT))).toEqual([
      expect.stringContaining('CDKTF_STATE_NONCURRENT_DAYS: "0" is below 1'),
    ]);
  });

  it('refuse bootstrap state in S3 without a bucket', () => {
    expect(configProblems(() => loadConfig({ CDKTF_ENV: 'dev', CDKTF_BOOTSTRAP_STATE: 's3' }, ROOT))).toEqual([
      expect.stringContaining('CDKTF_BOOTSTRAP_STATE: "s3" needs the bucket'),
    ]);
  });

  it('pass the KMS key to the S3 backend', () => {
    const { backend } = loadConfig({ CDKTF_ENV: 'dev', CDKTF_STATE_BUCKET: 'acme-tf-state', CDKTF_STATE_KMS_KEY: 'arn:aws:kms:eu-west-1:123456789012:key/k' }, ROOT);
    expect(backend).toEqual(expect.objectContaining({ kind: 's3', kmsKeyId: 'arn:aws:kms:eu-west-1:123456789012:key/k' }));
  });
});
