/** The bootstrap stack: the state bucket and its key in every environment but local, and the CI role only with a repository. */
import { TfDocument, type TfJson } from '../../stacks/lib/tf-json';
import { synthBootstrapWithVariables, synthWithVariables } from '../support/app-matrix';

const cache = new Map<string, Record<string, TfJson>>();
/** The app's stacks for these variables, synthesized once per set. */
function stacksOf(variables: Record<string, string>): Record<string, TfJson> {
  const key = JSON.stringify(variables);
  if (!cache.has(key)) cache.set(key, synthWithVariables(variables));
  return cache.get(key)!;
}
const bootstrapCache = new Map<string, TfJson>();
/** The bootstrap stack for these variables, synthesized alone (a fraction of the whole app's cost) once per set. */
function bootstrapOf(variables: Record<string, string>): TfJson {
  const key = JSON.stringify(variables);
  if (!bootstrapCache.has(key)) bootstrapCache.set(key, synthBootstrapWithVariables(variables));
  return bootstrapCache.get(key)!;
}
const bootstrap = (variables: Record<string, string>) => new TfDocument(bootstrapOf(variables));

const DEV = { CDKTF_ENV: 'dev' };
const CI = { ...DEV, CDKTF_CI_REPOSITORY: 'acme/bookmarks' };
// The whole-app configurations, each synthesized once and read by several tests.
const DEV_ON_S3 = { ...DEV, CDKTF_STATE_BUCKET: 'acme-tf-state' };
const SANDBOX_ON_MOTO = { CDKTF_ENV: 'sandbox', MOTO_PORT: '5999', CDKTF_STATE_BUCKET: 'bookmarks-sandbox-tfstate' };

describe('the bootstrap stack', () => {
  it('is synthesized in dev, prod and sandbox but not in local', () => {
    expect(Object.keys(stacksOf({ CDKTF_ENV: 'local' }))).not.toContain('bootstrap');
    expect(Object.keys(stacksOf(DEV_ON_S3))).toContain('bootstrap');
    expect(Object.keys(stacksOf(SANDBOX_ON_MOTO))).toContain('bootstrap');
  });

  it('synthesizes alone to the same document as in the whole app, which the other tests read', () => {
    expect(bootstrapOf(DEV_ON_S3)).toEqual(stacksOf(DEV_ON_S3).bootstrap);
  });

  it('names the bucket <project>-<env>-tfstate by default and CDKTF_STATE_BUCKET when set', () => {
    expect(bootstrap(DEV).byPath('state/bucket').props.bucket).toBe('bookmarks-dev-tfstate');
    expect(bootstrap({ ...DEV, CDKTF_STATE_BUCKET: 'acme-tf-state' }).byPath('state/bucket').props.bucket).toBe('acme-tf-state');
  });

  it('keeps its own state in a local file while the other stacks use the bucket', () => {
    const stacks = stacksOf(DEV_ON_S3);
    expect(new TfDocument(stacks.bootstrap).backend()?.kind).toBe('local');
    expect(new TfDocument(stacks.network).backend()).toEqual({
      kind: 's3',
      config: expect.objectContaining({ bucket: 'acme-tf-state', key: 'bookmarks/dev/network.tfstate', encrypt: true, use_lockfile: true }),
    });
  });

  it("points the sandbox's S3 backend at moto, path-style and without AWS account lookups", () => {
    const network = new TfDocument(stacksOf(SANDBOX_ON_MOTO).network);
    expect(network.backend()?.config).toEqual(
      expect.objectContaining({
        endpoints: { s3: 'http://127.0.0.1:5999' },
        use_path_style: true,
        skip_credentials_validation: true,
        skip_requesting_account_id: true,
        skip_metadata_api_check: true,
        use_lockfile: true,
        encrypt: true,
      }),
    );
    const dev = new TfDocument(stacksOf(DEV_ON_S3).network).backend()?.config ?? {};
    expect(['endpoints', 'use_path_style', 'skip_credentials_validation', 'access_key'].filter((key) => key in dev)).toEqual([]);
  });

  it('moves its own state into the bucket with CDKTF_BOOTSTRAP_STATE=s3', () => {
    const doc = bootstrap({ ...DEV, CDKTF_STATE_BUCKET: 'acme-tf-state', CDKTF_BOOTSTRAP_STATE: 's3' });
    expect(doc.backend()?.config).toEqual(expect.objectContaining({ bucket: 'acme-tf-state', key: 'bookmarks/dev/bootstrap.tfstate' }));
  });

  it('versions the bucket and encrypts it with its own rotated KMS key and a bucket key', () => {
    const doc = bootstrap(DEV);
    expect(doc.byPath('state/versioning').props.versioning_configuration).toEqual({ status: 'Enabled' });
    const [rule] = doc.byPath('state/encryption').props.rule as Record<string, unknown>[];
    expect(rule).toEqual({
      apply_server_side_encryption_by_default: { sse_algorithm: 'aws:kms', kms_master_key_id: expect.stringContaining('aws_kms_key.') },
      bucket_key_enabled: true,
    });
    expect(doc.byPath('state/key').props.enable_key_rotation).toBe(true);
  });

  it('expires replaced versions after CDKTF_STATE_NONCURRENT_DAYS and aborts incomplete uploads', () => {
    const [rule] = bootstrap({ ...DEV, CDKTF_STATE_NONCURRENT_DAYS: '30' }).byPath('state/lifecycle').props.rule as Record<string, unknown>[];
    expect(rule).toEqual(
      expect.objectContaining({ status: 'Enabled', noncurrent_version_expiration: [{ noncurrent_days: 30 }], abort_incomplete_multipart_upload: [{ days_after_initiation: 1 }] }),
    );
    expect(rule.expiration).toBeUndefined();
  });

  it('protects the bucket and its key against destroy unless CDKTF_TEARDOWN is set', () => {
    expect(bootstrap(DEV).byPath('state/bucket').props.lifecycle).toEqual({ prevent_destroy: true });
    expect(bootstrap(DEV).byPath('state/key').props.lifecycle).toEqual({ prevent_destroy: true });
    expect(bootstrap({ ...DEV, CDKTF_TEARDOWN: 'true' }).byPath('state/bucket').props.lifecycle).toBeUndefined();
  });

  it('refuses requests without TLS in dev and leaves the policy out, with a named suppression, in the sandbox', () => {
    const policy = JSON.parse(String(bootstrap(DEV).byPath('state/policy').props.policy)) as { Statement: Record<string, unknown>[] };
    expect(policy.Statement).toEqual([expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]);
    const sandbox = bootstrap({ CDKTF_ENV: 'sandbox' });
    expect(sandbox.resources('aws_s3_bucket_policy')).toEqual([]);
    expect(JSON.stringify(sandbox.byPath('state/bucket').props)).toContain('s3-deny-condition');
  });

  it('outputs the bucket, region, key prefix and KMS key, and the role ARN only with a repository', () => {
    expect(
      bootstrap(DEV)
        .outputs()
        .map((o) => o.name)
        .sort(),
    ).toEqual(['state_bucket', 'state_key_prefix', 'state_kms_key_arn', 'state_region']);
    expect(
      bootstrap(CI)
        .outputs()
        .map((o) => o.name),
    ).toContain('ci_role_arn');
    expect(bootstrap(DEV).resources('aws_iam_role', 'aws_iam_openid_connect_provider')).toEqual([]);
  });
});

describe('the CI deploy role', () => {
  const trust = (variables: Record<string, string>) =>
    JSON.parse(String(bootstrap(variables).byPath('ci/role').props.assume_role_policy)) as { Statement: { Condition: { StringEquals: Record<string, string> } }[] };

  it("trusts only the repository's branch, main by default", () => {
    expect(trust(CI).Statement[0].Condition.StringEquals).toEqual({
      'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com',
      'token.actions.githubusercontent.com:sub': 'repo:acme/bookmarks:ref:refs/heads/main',
    });
  });

  it('trusts a GitHub environment instead when CDKTF_CI_ENVIRONMENT is set', () => {
    expect(trust({ ...CI, CDKTF_CI_ENVIRONMENT: 'production' }).Statement[0].Condition.StringEquals['token.actions.githubusercontent.com:sub']).toBe(
      'repo:acme/bookmarks:environment:production',
    );
  });

  it('reaches the state of its environment only, under the key prefix', () => {
    const policies = bootstrap(CI)
      .resources('aws_iam_policy')
      .map((p) => String(p.props.policy))
      .join('\n');
    expect(policies).toContain('/bookmarks/dev/*');
    expect(policies).not.toMatch(/"Resource":\["\*"\][^}]*s3:PutObject/);
  });
});
