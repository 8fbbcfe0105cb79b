/**
 * An AWS Backup plan with its own vault and role: one daily rule that keeps recovery points for a
 * number of days, and one selection of the resources added with `addResource`.
 */
import { Lazy } from 'cdktf';
import { Construct } from 'constructs';
import { BackupPlan as BackupPlanResource } from '@cdktf/provider-aws/lib/backup-plan';
import { BackupSelection } from '@cdktf/provider-aws/lib/backup-selection';
import { BackupVault } from '@cdktf/provider-aws/lib/backup-vault';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { trustPolicyDocument } from '../lib/iam';

/** The AWS managed policies AWS Backup needs to back up and restore the supported services. */
export const BACKUP_POLICY_ARNS = [
  'arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup',
  'arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForRestores',
] as const;

/** Props of {@link BackupPlan}. */
export interface BackupPlanProps {
  /** Name of the plan, the vault and the selection; letters, digits, hyphens and underscores. */
  readonly name: string;
  /** Days a recovery point is kept (1 to 36500). */
  readonly retentionDays: number;
  /**
   * When the daily backup starts, as an AWS Backup cron expression in UTC.
   * @default 'cron(0 3 * * ? *)' - 03:00 UTC
   */
  readonly schedule?: string;
  /**
   * Customer managed KMS key of the vault.
   * @default - the AWS managed key `aws/backup` (a vault is always encrypted)
   */
  readonly kmsKeyArn?: string;
  /**
   * `terraform destroy` deletes the vault with its recovery points; off, a vault holding any stops the destroy.
   * @default false
   */
  readonly forceDestroy?: boolean;
}

/** A daily AWS Backup plan; resources join it by ARN. */
export class BackupPlan extends Construct {
  readonly vaultName: string;
  readonly planId: string;
  private readonly resources: string[] = [];

  constructor(scope: Construct, id: string, props: BackupPlanProps) {
    super(scope, id);
    const problems: string[] = [];
    if (!/^[A-Za-z0-9_-]{1,50}$/.test(props.name)) problems.push(`name "${props.name}" is not a backup plan name; use up to 50 letters, digits, hyphens and underscores`);
    if (!Number.isInteger(props.retentionDays) || props.retentionDays < 1 || props.retentionDays > 36500) {
      problems.push(`retentionDays ${props.retentionDays} is out of range; use 1 to 36500, e.g. 35`);
    }
    if (problems.length > 0) throw new Error(`BackupPlan ${id}: ${problems.join('; ')}`);

    const vault = new BackupVault(this, 'vault', { name: props.name, kmsKeyArn: props.kmsKeyArn, forceDestroy: props.forceDestroy ?? false });
    const plan = new BackupPlanResource(this, 'plan', {
      name: props.name,
      rule: [{ ruleName: 'daily', targetVaultName: vault.name, schedule: props.schedule ?? 'cron(0 3 * * ? *)', lifecycle: { deleteAfter: props.retentionDays } }],
    });
    const role = new IamRole(this, 'role', {
      namePrefix: `${props.name.slice(0, 30)}-backup-`,
      description: `AWS Backup plan ${props.name}: backs up and restores the selected resources`,
      assumeRolePolicy: trustPolicyDocument([{ sid: 'AwsBackup', service: 'backup.amazonaws.com' }]),
    });
    BACKUP_POLICY_ARNS.forEach((policyArn, i) => new IamRolePolicyAttachment(this, `role-policy-${i === 0 ? 'backup' : 'restores'}`, { role: role.name, policyArn }));
    new BackupSelection(this, 'selection', {
      name: props.name,
      planId: plan.id,
      iamRoleArn: role.arn,
      resources: Lazy.listValue({ produce: () => this.resources }),
    });
    this.vaultName = vault.name;
    this.planId = plan.id;
  }

  /** Adds a resource (an EFS file system, an Aurora cluster, ...) to the plan's selection by its ARN. */
  addResource(arn: string): void {
    this.resources.push(arn);
  }
}
