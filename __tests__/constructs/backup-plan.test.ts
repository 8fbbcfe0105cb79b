import { Testing } from 'cdktf';
import { BACKUP_POLICY_ARNS, BackupPlan, type BackupPlanProps } from '../../stacks/constructs/backup-plan';
import { byPath, parse, resources, type SynthJson } from '../support/synth';

function synthPlan(overrides: Partial<BackupPlanProps> = {}, arns: string[] = ['arn:aws:elasticfilesystem:eu-west-1:123456789012:file-system/fs-1']): SynthJson {
  return parse(
    Testing.synthScope((scope) => {
      const plan = new BackupPlan(scope, 'backup', { name: 'bookmarks-prod-wordpress', retentionDays: 35, ...overrides });
      arns.forEach((arn) => plan.addResource(arn));
    }),
  );
}

describe('BackupPlan', () => {
  it('backs up daily into its own vault and keeps each recovery point for the given days', () => {
    const json = synthPlan({ retentionDays: 14 });
    expect(byPath(json, 'backup/plan').props.rule).toEqual([
      expect.objectContaining({
        rule_name: 'daily',
        schedule: 'cron(0 3 * * ? *)',
        lifecycle: { delete_after: 14 },
        target_vault_name: expect.stringContaining('aws_backup_vault.backup_vault'),
      }),
    ]);
  });

  it('selects the resources added to it by ARN', () => {
    const arns = ['arn:aws:elasticfilesystem:eu-west-1:123456789012:file-system/fs-1', 'arn:aws:rds:eu-west-1:123456789012:cluster:wp'];
    expect(byPath(synthPlan({}, arns), 'backup/selection').props.resources).toEqual(arns);
  });

  it('lets only AWS Backup assume its role, which holds the AWS managed backup and restore policies', () => {
    const json = synthPlan();
    const trust = JSON.parse(String(byPath(json, 'backup/role').props.assume_role_policy)) as { Statement: { Principal: unknown }[] };
    expect([trust.Statement.map((s) => s.Principal), resources(json, 'aws_iam_role_policy_attachment').map((a) => a.props.policy_arn)]).toEqual([
      [{ Service: 'backup.amazonaws.com' }],
      [...BACKUP_POLICY_ARNS],
    ]);
  });

  it('refuses a retention AWS Backup does not take, naming the prop and an example', () => {
    expect(() => synthPlan({ retentionDays: 0 })).toThrow(/retentionDays 0 is out of range; use 1 to 36500, e\.g\. 35/);
  });
});
