/**
 * The S3 bucket that holds Terraform state: every version kept (a bad apply can be rolled back),
 * encrypted with a KMS key of its own and a bucket key, closed to the public, owned by the bucket
 * owner alone, reachable only over TLS, and with replaced versions expiring after a set time.
 */
import { Construct } from 'constructs';
import { guardBucket } from './bucket-guards';
import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketLifecycleConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import { type PolicyStatement, resourcePolicyDocument } from '../lib/iam';
import { suppressPolicy } from '../policy/suppress';

/** Props of {@link StateBucket}. */
export interface StateBucketProps {
  /** The bucket's name: it goes into every stack's backend, so it is fixed rather than prefixed. */
  readonly bucketName: string;
  /** Days a replaced (noncurrent) state version is kept. */
  readonly noncurrentVersionDays: number;
  /**
   * A bucket policy that refuses every request without TLS.
   * @default true
   */
  readonly tlsOnlyPolicy?: boolean;
  /**
   * `prevent_destroy` on the bucket and its key: losing them loses every stack's state.
   * @default true
   */
  readonly preventDestroy?: boolean;
}

/** The state bucket; `stateAccessStatements` grants what Terraform needs under one key prefix. */
export class StateBucket extends Construct {
  readonly bucketName: string;
  readonly bucketArn: string;
  /** ARN of the KMS key that encrypts the state objects. */
  readonly kmsKeyArn: string;

  constructor(scope: Construct, id: string, props: StateBucketProps) {
    super(scope, id);
    const problems: string[] = [];
    if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(props.bucketName)) {
      problems.push(`bucketName "${props.bucketName}" is not a bucket name; use 3-63 lower-case letters, digits, dots and hyphens, e.g. bookmarks-prod-tfstate`);
    }
    if (!Number.isInteger(props.noncurrentVersionDays) || props.noncurrentVersionDays < 1) {
      problems.push(`noncurrentVersionDays ${props.noncurrentVersionDays} is not a number of days; use a whole number from 1, e.g. 90`);
    }
    if (problems.length > 0) throw new Error(`StateBucket ${id}: ${problems.join('; ')}`);
    const lifecycle = (props.preventDestroy ?? true) ? { preventDestroy: true } : undefined;

    const key = new KmsKey(this, 'key', {
      description: `Terraform state in ${props.bucketName}`,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      lifecycle,
    });
    new KmsAlias(this, 'alias', { name: `alias/${props.bucketName}`, targetKeyId: key.keyId });
    this.kmsKeyArn = key.arn;

    const bucket = new S3Bucket(this, 'bucket', { bucket: props.bucketName, lifecycle });
    this.bucketName = bucket.bucket;
    this.bucketArn = bucket.arn;
    new S3BucketVersioningA(this, 'versioning', { bucket: bucket.id, versioningConfiguration: { status: 'Enabled' } });
    // The bucket key cuts the KMS calls (and their cost) of every state read and write.
    new S3BucketServerSideEncryptionConfigurationA(this, 'encryption', {
      bucket: bucket.id,
      rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'aws:kms', kmsMasterKeyId: key.arn }, bucketKeyEnabled: true }],
    });
    guardBucket(this, bucket.id);
    new S3BucketLifecycleConfiguration(this, 'lifecycle', {
      bucket: bucket.id,
      rule: [
        {
          id: 'expire-replaced-state',
          status: 'Enabled',
          filter: [{ prefix: '' }],
          noncurrentVersionExpiration: [{ noncurrentDays: props.noncurrentVersionDays }],
          abortIncompleteMultipartUpload: [{ daysAfterInitiation: 1 }],
        },
      ],
    });
    // The current state must never expire; TF002 checks that replaced versions do.
    suppressPolicy(bucket, 'S3005', 'the current state of a stack is kept for as long as the stack exists; replaced versions expire instead');
    if (props.tlsOnlyPolicy ?? true) {
      new S3BucketPolicy(this, 'policy', {
        bucket: bucket.id,
        policy: resourcePolicyDocument([
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
    } else {
      suppressPolicy(bucket, 'S3003', 'the emulator applies a Deny without its Condition (emulator gap s3-deny-condition), so a TLS-only policy refuses every request');
    }
  }

  /**
   * What Terraform needs for the state under `keyPrefix`: list that prefix, read, write and
   * delete its objects (state and `.tflock`), and use the bucket's key.
   */
  stateAccessStatements(keyPrefix: string): PolicyStatement[] {
    return [
      { sid: 'StateList', actions: ['s3:ListBucket'], resources: [this.bucketArn], conditions: { StringLike: { 's3:prefix': [`${keyPrefix}/*`] } } },
      { sid: 'StateObjects', actions: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'], resources: [`${this.bucketArn}/${keyPrefix}/*`] },
      { sid: 'StateKey', actions: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey'], resources: [this.kmsKeyArn] },
    ];
  }
}
