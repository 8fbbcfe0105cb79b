/** npm run bootstrap's pure parts: the settings it prints and what a HeadBucket answer means. */
import { bootstrapOutputs, bucketProblem, settingsLines } from '../../scripts/lib/state-bucket-check';

const OUTPUTS = {
  state_bucket: { value: 'acme-tf-state' },
  state_region: { value: 'eu-west-1' },
  state_key_prefix: { value: 'bookmarks' },
  state_kms_key_arn: { value: 'arn:aws:kms:eu-west-1:123456789012:key/k' },
};

describe('the settings npm run bootstrap prints', () => {
  it('are the four state variables, ready to eval', () => {
    expect(settingsLines(bootstrapOutputs(JSON.stringify(OUTPUTS)))).toEqual([
      'export CDKTF_STATE_BUCKET=acme-tf-state',
      'export CDKTF_STATE_REGION=eu-west-1',
      'export CDKTF_STATE_KEY_PREFIX=bookmarks',
      'export CDKTF_STATE_KMS_KEY=arn:aws:kms:eu-west-1:123456789012:key/k',
    ]);
  });

  it("name the pipeline's role when there is one", () => {
    const lines = settingsLines(bootstrapOutputs(JSON.stringify({ ...OUTPUTS, ci_role_arn: { value: 'arn:aws:iam::123456789012:role/ci' } })));
    expect(lines[4]).toBe("# the pipeline's role-to-assume: arn:aws:iam::123456789012:role/ci");
  });

  it('name the outputs a state without the bootstrap stack lacks', () => {
    expect(() => bootstrapOutputs('{}')).toThrow("the bootstrap stack's state has no state_bucket, state_region, state_key_prefix, state_kms_key_arn; deploy it first");
  });
});

describe('a HeadBucket answer', () => {
  it('is fine with 200', () => {
    expect(bucketProblem('b-1', 'eu-west-1', { status: 200 })).toBeUndefined();
  });

  it('says a missing bucket does not exist and how to create it', () => {
    expect(bucketProblem('b-1', 'eu-west-1', { status: 404 })).toBe(
      'CDKTF_STATE_BUCKET: the bucket "b-1" does not exist; run npm run bootstrap (docs/new-account.md), or set CDKTF_STATE_BUCKET to the bucket it printed',
    );
  });

  it("names another account's bucket", () => {
    expect(bucketProblem('b-1', 'eu-west-1', { status: 403 })).toContain('belongs to another account');
  });

  it('names the region S3 reports for a bucket elsewhere', () => {
    expect(bucketProblem('b-1', 'eu-west-1', { status: 301, bucketRegion: 'us-east-2' })).toBe(
      'CDKTF_STATE_REGION: "eu-west-1" is not the region of the bucket "b-1" (S3 says us-east-2); set CDKTF_STATE_REGION to it',
    );
  });
});
