/** State rules: the backend encrypts and locks; the bootstrap stack's bucket keeps, encrypts and guards the state; its CI role trusts one repository. */
import { block, blocks, isRecord, type TfDocument, type TfElement } from '../../lib/tf-json';
import type { PolicyContext, Rule } from '../types';
import { isTrue, numberOf, perResource, strings, text } from './attributes';

const BUCKET = 'aws_s3_bucket';
const VERSIONING = 'aws_s3_bucket_versioning';
const ENCRYPTION = 'aws_s3_bucket_server_side_encryption_configuration';
const LIFECYCLE = 'aws_s3_bucket_lifecycle_configuration';
const GITHUB_OIDC_HOST = 'token.actions.githubusercontent.com';
/** One repository, then one branch or one environment, no wildcards: `repo:acme/app:ref:refs/heads/main`. */
const ONE_REPOSITORY_SUBJECT = /^repo:[A-Za-z0-9-]+\/[A-Za-z0-9._-]+:(ref:refs\/heads\/[A-Za-z0-9._/-]+|environment:[A-Za-z0-9._-]+)$/;

/** The rules about the state bucket read only the bootstrap stack, whose buckets all hold state. */
const inBootstrap = (context: PolicyContext) => context.stackId === 'bootstrap';

/** The resources of `type` whose `bucket` is this bucket. */
function attached(doc: TfDocument, type: string, bucket: TfElement): TfElement[] {
  return doc.resources(type).filter((r) => doc.referenced(r.props.bucket)?.address === bucket.address);
}

/** The GitHub `sub` patterns an Allow statement of a trust policy accepts, or undefined when it does not trust GitHub's OIDC provider. */
function githubSubjects(statement: Record<string, unknown>, doc: TfDocument): string[] | undefined {
  const principal = statement.Principal;
  const federated = isRecord(principal) ? strings(principal.Federated) : [];
  const github = federated.some((f) => f.includes(GITHUB_OIDC_HOST) || doc.referenced(f)?.type === 'aws_iam_openid_connect_provider');
  if (!github) return undefined;
  const conditions = isRecord(statement.Condition) ? statement.Condition : {};
  return Object.values(conditions).flatMap((test) => (isRecord(test) ? strings(test[`${GITHUB_OIDC_HOST}:sub`]) : []));
}

/** The state rules. */
export const stateRules: readonly Rule[] = [
  {
    id: 'TF001',
    mirrors: 'own',
    title: 'An S3 state backend encrypts and locks the state',
    fix: 'set encrypt: true and use_lockfile: true (or a dynamodb_table) on the S3 backend',
    resourceTypes: [],
    check(doc) {
      const backend = doc.backend();
      if (backend?.kind !== 's3') return [];
      const problems: string[] = [];
      if (!isTrue(backend.config.encrypt)) problems.push('state is stored unencrypted');
      if (!isTrue(backend.config.use_lockfile) && !text(backend.config.dynamodb_table)) problems.push('state is not locked: two applies can interleave');
      return problems.map((message) => ({ message }));
    },
  },
  perResource({
    id: 'TF002',
    mirrors: 'checkov CKV_AWS_21; trivy AWS-0090; Security Hub S3.14',
    title: 'The state bucket keeps every version, expires replaced ones and aborts incomplete uploads',
    fix: 'give the bucket an aws_s3_bucket_versioning with status Enabled and a lifecycle rule with noncurrent_version_expiration and abort_incomplete_multipart_upload (StateBucket does)',
    resourceTypes: [BUCKET],
    alsoReads: [VERSIONING, LIFECYCLE],
    appliesTo: inBootstrap,
    test: (bucket, doc) => {
      const problems: string[] = [];
      const versioned = attached(doc, VERSIONING, bucket).some((v) => block(v.props.versioning_configuration)?.status === 'Enabled');
      if (!versioned) problems.push('versioning is off: a bad apply or a deleted object loses the state for good');
      const rules = attached(doc, LIFECYCLE, bucket)
        .flatMap((l) => blocks(l.props.rule))
        .filter((r) => r.status === 'Enabled');
      if (!rules.some((r) => blocks(r.noncurrent_version_expiration).some((e) => (numberOf(e.noncurrent_days) ?? 0) > 0))) {
        problems.push('replaced state versions are kept and billed forever');
      }
      if (!rules.some((r) => blocks(r.abort_incomplete_multipart_upload).some((a) => (numberOf(a.days_after_initiation) ?? 0) > 0))) {
        problems.push('incomplete uploads are kept');
      }
      return problems.length > 0 ? problems.join(', ') : undefined;
    },
  }),
  perResource({
    id: 'TF003',
    mirrors: 'checkov CKV_AWS_145; trivy AWS-0132',
    title: 'The state bucket encrypts with a KMS key of its own and a bucket key',
    fix: "use sse_algorithm 'aws:kms' with the ARN of the stack's own aws_kms_key (rotation on) and bucket_key_enabled true (StateBucket does)",
    resourceTypes: [BUCKET],
    alsoReads: [ENCRYPTION, 'aws_kms_key'],
    appliesTo: inBootstrap,
    test: (bucket, doc) => {
      const rules = attached(doc, ENCRYPTION, bucket).flatMap((c) => blocks(c.props.rule));
      const good = rules.some((r) => {
        const sse = block(r.apply_server_side_encryption_by_default);
        const key = doc.referenced(sse?.kms_master_key_id);
        return sse?.sse_algorithm === 'aws:kms' && key?.type === 'aws_kms_key' && isTrue(key.props.enable_key_rotation) && isTrue(r.bucket_key_enabled);
      });
      return good ? undefined : 'the state is not encrypted with a rotated KMS key of its own and a bucket key';
    },
  }),
  perResource({
    id: 'IAM006',
    mirrors: 'checkov CKV_AWS_358',
    title: "A role GitHub Actions may assume trusts one repository's branch or environment, for STS only",
    fix: 'condition the trust on token.actions.githubusercontent.com:aud = sts.amazonaws.com and :sub = repo:<owner>/<repo>:ref:refs/heads/<branch> (or :environment:<name>), no wildcards (CiDeployRole does)',
    resourceTypes: ['aws_iam_role'],
    alsoReads: ['aws_iam_openid_connect_provider'],
    test: (role, doc) => {
      let parsed: unknown;
      try {
        parsed = typeof role.props.assume_role_policy === 'string' ? JSON.parse(role.props.assume_role_policy) : undefined;
      } catch {
        return undefined;
      }
      if (!isRecord(parsed)) return undefined;
      const problems = blocks(parsed.Statement)
        .filter((s) => s.Effect === 'Allow')
        .flatMap((s) => {
          const subjects = githubSubjects(s, doc);
          if (subjects === undefined) return [];
          const equals = isRecord(s.Condition) && isRecord(s.Condition.StringEquals) ? s.Condition.StringEquals : {};
          const messages: string[] = [];
          if (subjects.length === 0) messages.push('any repository on GitHub may assume the role (no sub condition)');
          const loose = subjects.filter((sub) => !ONE_REPOSITORY_SUBJECT.test(sub));
          if (loose.length > 0) messages.push(`the sub condition ${loose.map((sub) => `"${sub}"`).join(', ')} names no single repository with its branch or environment`);
          if (strings(equals[`${GITHUB_OIDC_HOST}:aud`]).join() !== 'sts.amazonaws.com') messages.push('the token audience is not required to be sts.amazonaws.com');
          return messages;
        });
      return problems.length > 0 ? problems.join(', ') : undefined;
    },
  }),
];
