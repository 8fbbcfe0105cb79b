/** S3 rules: the buckets the app owns (load balancer access logs) are private, encrypted, TLS-only and expire what they hold. */
import type { TfDocument, TfElement } from '../../lib/tf-json';
import { block, blocks } from '../../lib/tf-json';
import type { Rule } from '../types';
import { isTrue, numberOf, perResource } from './attributes';
import { deniesInsecureTransport } from './efs';

const BUCKET = 'aws_s3_bucket';
const PUBLIC_ACCESS = 'aws_s3_bucket_public_access_block';
const ENCRYPTION = 'aws_s3_bucket_server_side_encryption_configuration';
const POLICY = 'aws_s3_bucket_policy';
const OWNERSHIP = 'aws_s3_bucket_ownership_controls';
const LIFECYCLE = 'aws_s3_bucket_lifecycle_configuration';

/** The resources of `type` whose `bucket` is this bucket. */
function attached(doc: TfDocument, type: string, bucket: TfElement): TfElement[] {
  return doc.resources(type).filter((r) => doc.referenced(r.props.bucket)?.address === bucket.address);
}

/** The S3 rules. */
export const s3Rules: readonly Rule[] = [
  perResource({
    id: 'S3001',
    mirrors: 'checkov CKV2_AWS_6, CKV_AWS_53-56; trivy AWS-0086, AWS-0087, AWS-0091, AWS-0093, AWS-0094; Security Hub S3.8',
    title: 'S3 buckets block every kind of public access',
    fix: 'add an aws_s3_bucket_public_access_block with all four settings true (LogBucket does)',
    resourceTypes: [BUCKET],
    alsoReads: [PUBLIC_ACCESS],
    test: (bucket, doc) => {
      const blocks = attached(doc, PUBLIC_ACCESS, bucket);
      const all = ['block_public_acls', 'block_public_policy', 'ignore_public_acls', 'restrict_public_buckets'];
      return blocks.some((b) => all.every((key) => isTrue(b.props[key]))) ? undefined : 'public ACLs or policies are not blocked on the bucket';
    },
  }),
  perResource({
    id: 'S3002',
    mirrors: 'checkov CKV_AWS_19 (CKV_AWS_145 wants a KMS key); trivy AWS-0088; Security Hub S3.4',
    title: 'S3 buckets encrypt objects at rest by default',
    fix: "add an aws_s3_bucket_server_side_encryption_configuration with sseAlgorithm 'AES256' or 'aws:kms'",
    resourceTypes: [BUCKET],
    alsoReads: [ENCRYPTION],
    test: (bucket, doc) => {
      const rules = attached(doc, ENCRYPTION, bucket).flatMap((c) => blocks(c.props.rule));
      return rules.some((r) => typeof block(r.apply_server_side_encryption_by_default)?.sse_algorithm === 'string') ? undefined : 'no default encryption';
    },
  }),
  perResource({
    id: 'S3003',
    mirrors: 'Security Hub S3.5; AWS Config s3-bucket-ssl-requests-only',
    title: 'S3 buckets refuse requests without TLS',
    fix: 'give the bucket a policy with a Deny statement on Bool aws:SecureTransport false (LogBucket does)',
    resourceTypes: [BUCKET],
    alsoReads: [POLICY],
    test: (bucket, doc) => (attached(doc, POLICY, bucket).some((p) => deniesInsecureTransport(p.props.policy)) ? undefined : 'requests over plain HTTP are allowed'),
  }),
  perResource({
    id: 'S3004',
    mirrors: 'checkov CKV2_AWS_65; Security Hub S3.12',
    title: 'S3 buckets turn ACLs off (BucketOwnerEnforced)',
    fix: "add an aws_s3_bucket_ownership_controls with objectOwnership 'BucketOwnerEnforced'",
    resourceTypes: [BUCKET],
    alsoReads: [OWNERSHIP],
    test: (bucket, doc) =>
      attached(doc, OWNERSHIP, bucket).some((o) => blocks(o.props.rule).some((r) => r.object_ownership === 'BucketOwnerEnforced'))
        ? undefined
        : 'ACLs still decide who owns objects',
  }),
  perResource({
    id: 'S3005',
    mirrors: 'checkov CKV2_AWS_61; Security Hub S3.13',
    title: 'S3 buckets expire what they hold',
    fix: 'add an aws_s3_bucket_lifecycle_configuration rule with expiration days (LogBucket expirationDays)',
    resourceTypes: [BUCKET],
    alsoReads: [LIFECYCLE],
    test: (bucket, doc) => {
      const rules = attached(doc, LIFECYCLE, bucket).flatMap((l) => blocks(l.props.rule));
      const expires = rules.some((r) => r.status === 'Enabled' && blocks(r.expiration).some((e) => (numberOf(e.days) ?? 0) > 0));
      return expires ? undefined : 'objects are kept and billed forever';
    },
  }),
];
