/** EfsFileSystem and AuroraServerless against every policy rule, with the settings each environment would use. */
import { Testing, TerraformStack } from 'cdktf';
import { EcsTaskDefinition } from '@cdktf/provider-aws/lib/ecs-task-definition';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { AuroraServerless } from '../../stacks/constructs/aurora-serverless';
import { BackupPlan } from '../../stacks/constructs/backup-plan';
import { EfsFileSystem, subnetsInZones } from '../../stacks/constructs/efs-file-system';
import { policyDocument } from '../../stacks/lib/iam';
import type { TfJson } from '../../stacks/lib/tf-json';
import { checkPolicy } from '../../stacks/policy/engine';

/** Synthesizes both constructs, a role policy granting through them, and (optionally) a task definition with the EFS volume. */
function synthStorage(disposable: boolean, withTask = false): TfJson {
  const stack = new TerraformStack(Testing.app(), 'storage');
  const efs = new EfsFileSystem(stack, 'efs', {
    name: 'wp-test',
    vpcId: 'vpc-1',
    mountTargets: subnetsInZones(['eu-west-1a', 'eu-west-1b'], ['subnet-a', 'subnet-b']),
    backups: !disposable,
    preventDestroy: !disposable,
  });
  const db = new AuroraServerless(stack, 'db', {
    name: 'wp-test',
    vpcId: 'vpc-1',
    subnetIds: ['subnet-a', 'subnet-b'],
    databaseName: 'wordpress',
    deletionProtection: !disposable,
    finalSnapshot: !disposable,
    preventDestroy: !disposable,
    backupRetentionDays: disposable ? 1 : 7,
    cloudwatchLogsExports: disposable ? ['error'] : ['audit', 'error', 'slowquery'],
    performanceInsights: !disposable,
    monitoringIntervalSeconds: disposable ? 0 : 60,
  });
  if (!disposable) {
    const plan = new BackupPlan(stack, 'backup', { name: 'wp-test', retentionDays: 35 });
    plan.addResource(efs.fileSystemArn);
    plan.addResource(db.clusterArn);
  }
  new IamRolePolicy(stack, 'grants', { role: 'task-role', policy: policyDocument([efs.mountStatement(), db.secretReadStatement()]) });
  if (withTask) {
    new EcsTaskDefinition(stack, 'task', { family: 'wp', containerDefinitions: '[]', volume: [efs.taskVolume('webroot')] });
  }
  return JSON.parse(Testing.synth(stack)) as TfJson;
}

const findings = (json: TfJson, environment: string) => checkPolicy(json, { stackId: 'storage', environment }).findings.map((f) => `${f.ruleId} ${f.address}: ${f.message}`);

describe('the storage constructs and the policy rules', () => {
  it.each(['dev', 'prod'])('break no rule in %s with their protective defaults', (environment) => {
    expect(findings(synthStorage(false), environment)).toEqual([]);
  });

  it.each(['local', 'sandbox'])('break no rule in %s with throwaway settings (no backups, no protection)', (environment) => {
    expect(findings(synthStorage(true), environment)).toEqual([]);
  });

  it('break the backup, protection, logging and monitoring rules with throwaway settings in prod, so the rules do see them', () => {
    expect(new Set(findings(synthStorage(true), 'prod').map((f) => f.split(' ')[0]))).toEqual(
      new Set(['EFS005', 'RDS003', 'RDS004', 'RDS005', 'RDS007', 'RDS008', 'RDS009', 'BAK001', 'BAK002']),
    );
  });

  it('give ECS a volume that passes the transit-encryption and access-point rules', () => {
    const fired = findings(synthStorage(false, true), 'prod').filter((f) => /^EFS00[23] /.test(f));
    expect(fired).toEqual([]);
  });
});
