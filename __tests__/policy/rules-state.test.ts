/** The rules that guard the state: each fires on the bootstrap stack once the part it checks is taken away. */
import { checkPolicy } from '../../stacks/policy/engine';
import { RULES } from '../../stacks/policy/rules';
import { TfDocument, type TfJson } from '../../stacks/lib/tf-json';
import { synthBootstrapWithVariables } from '../support/app-matrix';

const CI = { CDKTF_ENV: 'dev', CDKTF_CI_REPOSITORY: 'acme/bookmarks' };
let pristine: TfJson;
beforeAll(() => {
  pristine = synthBootstrapWithVariables(CI);
});

/** A copy of the bootstrap stack with one change made to the resource at `path`. */
function changed(path: string, change: (props: Record<string, unknown>) => void): TfJson {
  const json = structuredClone(pristine);
  const element = new TfDocument(json).byPath(path);
  change(element.props as Record<string, unknown>);
  return json;
}

/** The findings of one rule on a document, as `address: message`. */
function run(ruleId: string, json: TfJson): string[] {
  if (!RULES.some((r) => r.id === ruleId)) throw new Error(`no rule ${ruleId}`);
  // Every rule runs, so that the stack's suppressions name known rules; one rule's findings are kept.
  return checkPolicy(json, { stackId: 'bootstrap', environment: 'dev' })
    .findings.filter((f) => f.ruleId === ruleId)
    .map((f) => `${f.address}: ${f.message}`);
}

const trustOf = (props: Record<string, unknown>) => JSON.parse(String(props.assume_role_policy)) as { Statement: Record<string, Record<string, Record<string, unknown>>>[] };

describe('the bootstrap stack as synthesized', () => {
  it.each(['TF002', 'TF003', 'IAM006', 'S3001', 'S3002', 'S3003', 'S3004', 'IAM001', 'IAM002'])('passes %s', (ruleId) => {
    expect(run(ruleId, pristine)).toEqual([]);
  });
});

describe('TF002 versions', () => {
  it('fires when versioning is suspended', () => {
    const json = changed('state/versioning', (p) => (p.versioning_configuration = { status: 'Suspended' }));
    expect(run('TF002', json)).toEqual([expect.stringContaining('versioning is off')]);
  });

  it('fires when replaced versions never expire and uploads are never aborted', () => {
    const json = changed('state/lifecycle', (p) => (p.rule = [{ id: 'keep', status: 'Enabled', filter: [{ prefix: '' }] }]));
    expect(run('TF002', json)).toEqual([expect.stringMatching(/replaced state versions are kept.*incomplete uploads are kept/)]);
  });

  it('reads only the bootstrap stack', () => {
    const json = changed('state/versioning', (p) => (p.versioning_configuration = { status: 'Suspended' }));
    expect(checkPolicy(json, { stackId: 'service', environment: 'dev' }).findings.filter((f) => f.ruleId === 'TF002')).toEqual([]);
  });
});

describe('TF003 encryption', () => {
  it('fires on S3-managed keys', () => {
    const json = changed('state/encryption', (p) => (p.rule = [{ apply_server_side_encryption_by_default: { sse_algorithm: 'AES256' }, bucket_key_enabled: true }]));
    expect(run('TF003', json)).toHaveLength(1);
  });

  it('fires without a bucket key', () => {
    const json = changed('state/encryption', (p) => ((p.rule as Record<string, unknown>[])[0].bucket_key_enabled = false));
    expect(run('TF003', json)).toHaveLength(1);
  });

  it('fires when the key does not rotate', () => {
    expect(
      run(
        'TF003',
        changed('state/key', (p) => (p.enable_key_rotation = false)),
      ),
    ).toHaveLength(1);
  });
});

describe('the bucket rules on the state bucket', () => {
  it('S3001 fires when public policies are allowed', () => {
    expect(
      run(
        'S3001',
        changed('state/public-access', (p) => (p.block_public_policy = false)),
      ),
    ).toHaveLength(1);
  });

  it('S3003 fires when the policy no longer denies plain HTTP', () => {
    const json = changed(
      'state/policy',
      (p) => (p.policy = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', Principal: '*', Action: 's3:DeleteBucket', Resource: '*' }] })),
    );
    expect(run('S3003', json)).toHaveLength(1);
  });
});

describe('IAM006 GitHub trust', () => {
  const withSub = (sub: unknown) =>
    changed('ci/role', (p) => {
      const trust = trustOf(p);
      trust.Statement[0].Condition = { StringLike: { 'token.actions.githubusercontent.com:sub': sub, 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com' } };
      p.assume_role_policy = JSON.stringify(trust);
    });

  it('fires on a wildcard repository', () => {
    expect(run('IAM006', withSub('repo:acme/*'))).toEqual([expect.stringContaining('"repo:acme/*" names no single repository')]);
  });

  it('fires on any branch of the repository', () => {
    expect(run('IAM006', withSub('repo:acme/bookmarks:*'))).toHaveLength(1);
  });

  it('fires with no sub condition at all', () => {
    const json = changed('ci/role', (p) => {
      const trust = trustOf(p);
      trust.Statement[0].Condition = { StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com' } };
      p.assume_role_policy = JSON.stringify(trust);
    });
    expect(run('IAM006', json)).toEqual([expect.stringContaining('any repository on GitHub')]);
  });
});

describe('no action on every resource', () => {
  it('IAM001 and IAM002 fire on a deploy policy that allows * on *', () => {
    const json = changed('ci/policy-1', (p) => (p.policy = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] })));
    expect(run('IAM001', json)).toEqual([expect.stringContaining('allows *')]);
    expect(run('IAM002', json)).toEqual([expect.stringContaining('on every resource (*)')]);
  });
});
