/** What every bucket the app owns gets, whatever it holds: no public access and no ACLs. */
import type { Construct } from 'constructs';
import { S3BucketOwnershipControls } from '@cdktf/provider-aws/lib/s3-bucket-ownership-controls';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';

/**
 * Blocks every form of public access to `bucketId` and turns ACLs off (BucketOwnerEnforced: every
 * object belongs to the bucket owner, whoever wrote it), as `public-access` and `ownership` in `scope`.
 */
export function guardBucket(scope: Construct, bucketId: string): void {
  new S3BucketPublicAccessBlock(scope, 'public-access', { bucket: bucketId, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true });
  new S3BucketOwnershipControls(scope, 'ownership', { bucket: bucketId, rule: { objectOwnership: 'BucketOwnerEnforced' } });
}
