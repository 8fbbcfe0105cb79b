import { Testing } from 'cdktf';
// Types of the matchers that support/setup.ts installs (toHaveResourceWithProperties, ...).
import type {} from 'cdktf/lib/testing/adapters/jest';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { DbSubnetGroup } from '@cdktf/provider-aws/lib/db-subnet-group';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { RdsCluster } from '@cdktf/provider-aws/lib/rds-cluster';
import { RdsClusterInstance } from '@cdktf/provider-aws/lib/rds-cluster-instance';
import { AuroraServerless, type AuroraServerlessProps, DEFAULT_AURORA_MYSQL_VERSION } from '../../stacks/constructs/aurora-serverless';
import { policyDocument } from '../../stacks/lib/iam';
import { byPath, parse, ref, resources } from '../support/synth';

const PROPS: AuroraServerlessProps = { name: 'wp-dev', vpcId: 'vpc-1', subnetIds: ['subnet-a', 'subnet-b'], databaseName: 'wordpress' };

function synthDb(overrides: Partial<AuroraServerlessProps> = {}, use?: (db: AuroraServerless) => void): string {
  return Testing.synthScope((scope) => {
    const db = new AuroraServerless(scope, 'db', { ...PROPS, ...overrides });
    use?.(db);
  });
}

const cluster = (json: string) => byPath(parse(json), 'db/cluster');

describe('AuroraServerless cluster', () => {
  it('is Aurora MySQL Serverless v2: provisioned engine mode with a min/max ACU scaling configuration', () => {
    expect(synthDb({ minCapacityAcu: 0.5, maxCapacityAcu: 4 })).toHaveResourceWithProperties(RdsCluster, {
      engine: 'aurora-mysql',
      engine_mode: 'provisioned',
      engine_version: DEFAULT_AURORA_MYSQL_VERSION,
      serverlessv2_scaling_configuration: { min_capacity: 0.5, max_capacity: 4 },
    });
  });

  it('pauses when idle only with a minimum of 0 ACU', () => {
    const scaling = (json: string) => cluster(json).props.serverlessv2_scaling_configuration;
    expect([scaling(synthDb()), scaling(synthDb({ minCapacityAcu: 0, secondsUntilAutoPause: 600 }))]).toEqual([
      { min_capacity: 0.5, max_capacity: 2 },
      { min_capacity: 0, max_capacity: 2, seconds_until_auto_pause: 600 },
    ]);
  });

  it('encrypts its storage and lets RDS generate and keep the master password', () => {
    expect(synthDb()).toHaveResourceWithProperties(RdsCluster, {
      storage_encrypted: true,
      manage_master_user_password: true,
      master_username: 'admin',
      database_name: 'wordpress',
    });
    expect(cluster(synthDb()).props.master_password).toBeUndefined();
  });

  it('lives in its own subnet group of the given private subnets, behind its own security group', () => {
    const json = synthDb();
    const parsed = parse(json);
    expect(json).toHaveResourceWithProperties(DbSubnetGroup, { name: 'wp-dev', subnet_ids: ['subnet-a', 'subnet-b'] });
    expect(cluster(json).props).toMatchObject({
      db_subnet_group_name: ref(byPath(parsed, 'db/subnets'), 'name'),
      vpc_security_group_ids: [ref(byPath(parsed, 'db/sg'))],
      port: 3306,
    });
  });

  it('is protected by default: deletion protection, a final snapshot with a fixed name, prevent_destroy, 7 days of backups', () => {
    expect(cluster(synthDb()).props).toMatchObject({
      deletion_protection: true,
      skip_final_snapshot: false,
      final_snapshot_identifier: 'wp-dev-final',
      backup_retention_period: 7,
      lifecycle: { prevent_destroy: true },
    });
  });

  it('can be made disposable for throwaway environments', () => {
    const props = cluster(synthDb({ deletionProtection: false, finalSnapshot: false, preventDestroy: false, backupRetentionDays: 1 })).props;
    expect([props.deletion_protection, props.skip_final_snapshot, props.final_snapshot_identifier, props.lifecycle, props.backup_retention_period]).toEqual([
      false,
      true,
      undefined,
      undefined,
      1,
    ]);
  });

  it('exports no logs unless asked, and creates the log groups it exports to with a retention', () => {
    expect(cluster(synthDb()).props.enabled_cloudwatch_logs_exports).toBeUndefined();
    const json = synthDb({ cloudwatchLogsExports: ['error', 'slowquery'], logRetentionDays: 14 });
    expect(cluster(json).props.enabled_cloudwatch_logs_exports).toEqual(['error', 'slowquery']);
    expect(json).toHaveResourceWithProperties(CloudwatchLogGroup, { name: '/aws/rds/cluster/wp-dev/slowquery', retention_in_days: 14 });
    expect(cluster(json).props.depends_on).toHaveLength(2);
  });
});

describe('AuroraServerless instances', () => {
  it('are db.serverless instances of the cluster, never publicly accessible', () => {
    const json = synthDb();
    expect(json).toHaveResourceWithProperties(RdsClusterInstance, {
      identifier: 'wp-dev-1',
      instance_class: 'db.serverless',
      cluster_identifier: ref(cluster(json)),
      publicly_accessible: false,
    });
  });

  it('number one by default, more when asked', () => {
    expect(resources(parse(synthDb({ instanceCount: 2 })), 'aws_rds_cluster_instance').map((i) => i.props.identifier)).toEqual(['wp-dev-1', 'wp-dev-2']);
  });
});

describe('AuroraServerless security group', () => {
  it('has no rule of its own and no CIDR ever: clients are let in by their own construct (FargateService.allowTo)', () => {
    const json = parse(synthDb());
    const sg = byPath(json, 'db/sg').props;
    expect([resources(json, 'aws_vpc_security_group_ingress_rule'), resources(json, 'aws_vpc_security_group_egress_rule'), sg.ingress, sg.egress]).toEqual([
      [],
      [],
      undefined,
      undefined,
    ]);
  });
});

describe('AuroraServerless secret', () => {
  it('hands out ECS valueFrom strings for the username and password keys of the managed secret', () => {
    let values: string[] = [];
    const json = Testing.synthScope((scope) => {
      const db = new AuroraServerless(scope, 'db', PROPS);
      values = [db.usernameValueFrom, db.passwordValueFrom];
      // Rendered into a resource so that the tokens resolve.
      new IamRolePolicy(scope, 'grant', { role: 'exec-role', name: values.join(' '), policy: policyDocument([db.secretReadStatement()]) });
    });
    const parsed = parse(json);
    const secret = ref(cluster(json), 'master_user_secret[0].secret_arn');
    expect(byPath(parsed, 'grant').props.name).toBe(`${secret}:username:: ${secret}:password::`);
    expect(JSON.parse(String(byPath(parsed, 'grant').props.policy)).Statement).toEqual([
      { Sid: 'ReadDatabaseSecret', Effect: 'Allow', Action: ['secretsmanager:GetSecretValue'], Resource: [secret] },
    ]);
  });
});

describe('AuroraServerless validation', () => {
  it.each([
    [{ subnetIds: ['subnet-a'] }, 'subnetIds has 1 subnet(s); a DB subnet group needs subnets in at least two zones'],
    [{ minCapacityAcu: 0.3 }, 'minCapacityAcu 0.3 is invalid'],
    [{ maxCapacityAcu: 0.5 }, 'maxCapacityAcu 0.5 is invalid; use 1 to 256'],
    [{ minCapacityAcu: 8, maxCapacityAcu: 4 }, 'maxCapacityAcu 4 is below minCapacityAcu 8'],
    [{ secondsUntilAutoPause: 600 }, 'secondsUntilAutoPause is set but minCapacityAcu is 0.5'],
    [{ backupRetentionDays: 0 }, 'backupRetentionDays 0 is out of range'],
    [{ databaseName: 'word-press' }, 'databaseName "word-press" is not a MySQL schema name'],
    [{ masterUsername: 'rdsadmin' }, 'masterUsername "rdsadmin" is not allowed'],
    [{ name: 'WP_dev' }, 'name "WP_dev" is not a cluster identifier'],
    [{ finalSnapshotIdentifier: 'final--snap' }, 'finalSnapshotIdentifier "final--snap" is not a snapshot identifier'],
    [{ instanceCount: 0 }, 'instanceCount 0 is invalid'],
    [{ preferredBackupWindow: '2-3' }, 'preferredBackupWindow "2-3" is not hh24:mi-hh24:mi'],
    [{ cloudwatchLogsExports: ['error', 'error'] }, 'cloudwatchLogsExports names a log twice'],
    [{ cloudwatchLogsExports: ['error'], logRetentionDays: 10 }, 'logRetentionDays 10 is not a CloudWatch retention'],
  ] as [Partial<AuroraServerlessProps>, string][])('rejects %j', (overrides, message) => {
    expect(() => synthDb(overrides)).toThrow(`AuroraServerless ${overrides.name ?? 'wp-dev'}: `);
    expect(() => synthDb(overrides)).toThrow(message);
  });

  it('names every problem in one error', () => {
    expect(() => synthDb({ minCapacityAcu: 0.3, backupRetentionDays: 40 })).toThrow(/minCapacityAcu 0\.3 .*; backupRetentionDays 40/);
  });
});

describe('AuroraServerless monitoring', () => {
  it('turns Performance Insights on every instance with the free 7 days of history', () => {
    expect(byPath(parse(synthDb({ performanceInsights: true })), 'db/instance-1').props).toMatchObject({
      performance_insights_enabled: true,
      performance_insights_retention_period: 7,
    });
  });

  it('samples enhanced monitoring with a role only RDS monitoring may assume, holding the AWS managed policy', () => {
    const json = parse(synthDb({ monitoringIntervalSeconds: 60 }));
    const role = byPath(json, 'db/monitoring-role');
    const trust = JSON.parse(String(role.props.assume_role_policy)) as { Statement: { Principal: unknown }[] };
    expect([byPath(json, 'db/instance-1').props.monitoring_role_arn, trust.Statement.map((s) => s.Principal), byPath(json, 'db/monitoring-policy').props.policy_arn]).toEqual([
      ref(role, 'arn'),
      [{ Service: 'monitoring.rds.amazonaws.com' }],
      'arn:aws:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole',
    ]);
  });

  it('creates no monitoring role without enhanced monitoring', () => {
    expect(resources(parse(synthDb()), 'aws_iam_role')).toEqual([]);
  });

  it('refuses an interval RDS does not take, naming the prop and the choices', () => {
    expect(() => synthDb({ monitoringIntervalSeconds: 20 })).toThrow(/monitoringIntervalSeconds 20 is not an interval RDS takes; use 0 \(off\), 1, 5, 10, 15, 30 or 60/);
  });
});
