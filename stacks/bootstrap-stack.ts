/**
 * The `bootstrap` stack, applied once per account and region before the others: the bucket and
 * KMS key that hold every other stack's state, and, with a repository configured, the role a CI
 * pipeline deploys with. Its own state stays in a local file until it is moved into its bucket.
 */
import { TerraformOutput } from 'cdktf';
import type { Construct } from 'constructs';
import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { DataAwsPartition } from '@cdktf/provider-aws/lib/data-aws-partition';
import { BaseStack, type BaseStackProps } from './base-stack';
import { CiDeployRole } from './constructs/ci-deploy-role';
import { StateBucket } from './constructs/state-bucket';
import { deployStatements } from './lib/deploy-actions';
import { physicalName } from './lib/naming';
import { defaultStateBucketName } from './settings/state';
import type { AppConfig } from './settings/config';

/** Where the other stacks' state goes: the configured S3 backend, or this environment's default bucket. */
export function stateLocation(config: AppConfig): { bucket: string; region: string; keyPrefix: string } {
  const { backend } = config;
  if (backend.kind === 's3') return { bucket: backend.bucket, region: backend.region, keyPrefix: backend.keyPrefix };
  return { bucket: defaultStateBucketName(config.project, config.environment), region: config.region, keyPrefix: config.project };
}

/** The state bucket and its key, and optionally the CI deploy role; outputs are the settings the other stacks need. */
export class BootstrapStack extends BaseStack {
  readonly stateBucket: StateBucket;

  constructor(scope: Construct, id: 'bootstrap', props: BaseStackProps) {
    super(scope, id, props);
    const { bootstrap, environment } = this.config;
    const location = stateLocation(this.config);

    this.stateBucket = new StateBucket(this, 'state', {
      bucketName: location.bucket,
      noncurrentVersionDays: bootstrap.noncurrentVersionDays,
      tlsOnlyPolicy: bootstrap.tlsOnlyPolicy,
      preventDestroy: bootstrap.preventDestroy,
    });

    new TerraformOutput(this, 'state_bucket', { value: this.stateBucket.bucketName, description: 'CDKTF_STATE_BUCKET of the other stacks' });
    new TerraformOutput(this, 'state_region', { value: location.region, description: 'CDKTF_STATE_REGION of the other stacks' });
    new TerraformOutput(this, 'state_key_prefix', { value: location.keyPrefix, description: 'CDKTF_STATE_KEY_PREFIX of the other stacks' });
    new TerraformOutput(this, 'state_kms_key_arn', { value: this.stateBucket.kmsKeyArn, description: 'CDKTF_STATE_KMS_KEY of the other stacks' });

    if (bootstrap.ci) {
      const account = new DataAwsCallerIdentity(this, 'account');
      const partition = new DataAwsPartition(this, 'partition');
      const statements = [
        // The role reads and writes this environment's state only, and the state a stack reads from another.
        ...this.stateBucket.stateAccessStatements(`${location.keyPrefix}/${environment}`),
        ...deployStatements({
          partition: partition.partition,
          region: this.config.region,
          account: account.accountId,
          project: this.config.project,
          stateBucketArn: this.stateBucket.bucketArn,
        }),
      ];
      const role = new CiDeployRole(this, 'ci', {
        roleName: physicalName(this.config, 'ci-deploy'),
        repository: bootstrap.ci.repository,
        branch: bootstrap.ci.branch,
        environment: bootstrap.ci.environment,
        statements,
      });
      new TerraformOutput(this, 'ci_role_arn', { value: role.roleArn, description: 'the role a pipeline assumes (aws-actions/configure-aws-credentials role-to-assume)' });
    }
  }
}
