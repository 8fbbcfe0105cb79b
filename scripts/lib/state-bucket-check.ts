/**
 * The pure parts of `npm run bootstrap`: the settings the other stacks need, from the bootstrap
 * stack's outputs, and what an answer to HeadBucket means for the state bucket.
 */

/** The bootstrap stack's outputs as `terraform output -json` gives them (values only). */
export interface BootstrapOutputs {
  readonly state_bucket: string;
  readonly state_region: string;
  readonly state_key_prefix: string;
  readonly state_kms_key_arn: string;
  readonly ci_role_arn?: string;
}

/** The outputs read from `terraform output -json`, or an error naming the output that is missing. */
export function bootstrapOutputs(json: string): BootstrapOutputs {
  const parsed = JSON.parse(json) as Record<string, { value?: unknown }>;
  const value = (name: keyof BootstrapOutputs) => {
    const v = parsed[name]?.value;
    return typeof v === 'string' && v !== '' ? v : undefined;
  };
  const missing = (['state_bucket', 'state_region', 'state_key_prefix', 'state_kms_key_arn'] as const).filter((name) => value(name) === undefined);
  if (missing.length > 0) throw new Error(`the bootstrap stack's state has no ${missing.join(', ')}; deploy it first (npm run bootstrap)`);
  const ci = value('ci_role_arn');
  return {
    state_bucket: value('state_bucket')!,
    state_region: value('state_region')!,
    state_key_prefix: value('state_key_prefix')!,
    state_kms_key_arn: value('state_kms_key_arn')!,
    ...(ci ? { ci_role_arn: ci } : {}),
  };
}

/** The variables every other stack's deploy needs, as shell lines to paste or `eval`. */
export function settingsLines(outputs: BootstrapOutputs): string[] {
  return [
    `export CDKTF_STATE_BUCKET=${outputs.state_bucket}`,
    `export CDKTF_STATE_REGION=${outputs.state_region}`,
    `export CDKTF_STATE_KEY_PREFIX=${outputs.state_key_prefix}`,
    `export CDKTF_STATE_KMS_KEY=${outputs.state_kms_key_arn}`,
    ...(outputs.ci_role_arn ? [`# the pipeline's role-to-assume: ${outputs.ci_role_arn}`] : []),
  ];
}

/** One HeadBucket answer: the HTTP status and the region S3 says the bucket is in. */
export interface HeadBucketAnswer {
  readonly status: number;
  readonly bucketRegion?: string;
}

/** What is wrong with the state bucket, from S3's answer; undefined when it is there and ours. */
export function bucketProblem(bucket: string, region: string, answer: HeadBucketAnswer): string | undefined {
  const fix = 'run npm run bootstrap (docs/new-account.md), or set CDKTF_STATE_BUCKET to the bucket it printed';
  if (answer.status === 200) return undefined;
  if (answer.status === 404) return `CDKTF_STATE_BUCKET: the bucket "${bucket}" does not exist; ${fix}`;
  if (answer.status === 403) {
    return `CDKTF_STATE_BUCKET: the bucket "${bucket}" exists but these credentials may not use it (403): it belongs to another account, or the role lacks s3:ListBucket; use the account's credentials or the CI role, or ${fix}`;
  }
  if (answer.status === 301 || (answer.bucketRegion !== undefined && answer.bucketRegion !== region)) {
    return `CDKTF_STATE_REGION: "${region}" is not the region of the bucket "${bucket}"${answer.bucketRegion ? ` (S3 says ${answer.bucketRegion})` : ''}; set CDKTF_STATE_REGION to it`;
  }
  return `CDKTF_STATE_BUCKET: S3 answered ${answer.status} for the bucket "${bucket}"; check the credentials and the network, then run npm run bootstrap -- --check again`;
}
