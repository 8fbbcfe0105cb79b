/**
 * An S3 bucket that load balancers write their access logs to: encrypted with S3-managed keys
 * (the only server-side encryption ALB log delivery supports), closed to the public, owned by the
 * bucket owner alone, reachable only over TLS, and emptied by a lifecycle rule.
 */
import { Construct } from 'constructs';
import { guardBucket } from './bucket-guards';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketLifecycleConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { elbLogDeliveryPrincipal } from '../lib/elb-log-delivery';
import { resourcePolicyDocument } from '../lib/iam';

/** Props of {@link LogBucket}. */
export interface LogBucketProps {
  /** Start of the bucket's name; S3 appends a unique suffix, so names never clash across accounts. At most 37 characters. */
  readonly namePrefix: string;
  /** The region of the load balancers: it decides which principal delivers their logs. */
  readonly region: string;
  /** Days a log object is kept. */
  readonly expirationDays: number;
  /**
   * `terraform destroy` deletes the bucket with its logs; off, a bucket that holds logs stops the destroy.
   * @default false
   */
  readonly forceDestroy?: boolean;
}

/** An access-log bucket for load balancers; pass it to `LoadBalancer` as `accessLogs`. */
export class LogBucket extends Construct {
  readonly bucketName: string;
  readonly bucketArn: string;
  /** The bucket policy: a load balancer that logs here must be created after it, or AWS refuses the bucket. */
  readonly policy: S3BucketPolicy;

  constructor(scope: Construct, id: string, props: LogBucketProps) {
    super(scope, id);
    const problems: string[] = [];
    if (!/^[a-z0-9][a-z0-9.-]{0,36}$/.test(props.namePrefix)) {
      problems.push(`namePrefix "${props.namePrefix}" is not a bucket name prefix; use up to 37 lower-case letters, digits, dots and hyphens, e.g. bookmarks-prod-alb-logs-`);
    }
    if (!Number.isInteger(props.expirationDays) || props.expirationDays < 1) {
      problems.push(`expirationDays ${props.expirationDays} is not a number of days; use a whole number from 1, e.g. 90`);
    }
    if (problems.length > 0) throw new Error(`LogBucket ${id}: ${problems.join('; ')}`);

    const bucket = new S3Bucket(this, 'bucket', { bucketPrefix: props.namePrefix, forceDestroy: props.forceDestroy ?? false });
    this.bucketName = bucket.bucket;
    this.bucketArn = bucket.arn;
    guardBucket(this, bucket.id);
    // ALB log delivery writes only to SSE-S3 buckets; a KMS key would make it fail silently.
    new S3BucketServerSideEncryptionConfigurationA(this, 'encryption', {
      bucket: bucket.id,
      rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'AES256' } }],
    });
    new S3BucketLifecycleConfiguration(this, 'lifecycle', {
      bucket: bucket.id,
      rule: [
        {
          id: 'expire-logs',
          status: 'Enabled',
          filter: [{ prefix: '' }],
          expiration: [{ days: props.expirationDays }],
          abortIncompleteMultipartUpload: [{ daysAfterInitiation: 1 }],
        },
      ],
    });
    this.policy = new S3BucketPolicy(this, 'policy', {
      bucket: bucket.id,
      policy: resourcePolicyDocument([
        { sid: 'LoadBalancerLogDelivery', principal: elbLogDeliveryPrincipal(props.region), actions: ['s3:PutObject'], resources: [`${bucket.arn}/*`] },
        {
          sid: 'DenyWithoutTls',
          effect: 'Deny',
          principal: '*',
          actions: ['s3:*'],
          resources: [bucket.arn, `${bucket.arn}/*`],
          conditions: { Bool: { 'aws:SecureTransport': 'false' } },
        },
      ]),
    });
  }
}
