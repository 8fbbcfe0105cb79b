/**
 * An Aurora MySQL Serverless v2 cluster: provisioned engine mode with `db.serverless` instances,
 * encrypted storage, a subnet group, a security group for MySQL, and a master password that RDS
 * generates and keeps in Secrets Manager (it never enters the Terraform state).
 */
import { Construct } from 'constructs';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { DbSubnetGroup } from '@cdktf/provider-aws/lib/db-subnet-group';
import { RdsCluster } from '@cdktf/provider-aws/lib/rds-cluster';
import { RdsClusterInstance } from '@cdktf/provider-aws/lib/rds-cluster-instance';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { trustPolicyDocument, type PolicyStatement } from '../lib/iam';
import { isLogRetentionDays, LOG_RETENTION_DAYS } from '../lib/log-retention';
import { auroraSettingProblems } from '../lib/storage-rules';

/** The AWS managed policy that lets RDS write enhanced-monitoring metrics to its log group (RDSOSMetrics) and nothing else. */
export const ENHANCED_MONITORING_POLICY_ARN = 'arn:aws:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole';

/** The MySQL port the cluster listens on. */
export const MYSQL_PORT = 3306;

/**
 * Aurora MySQL 3.08 (MySQL 8.0 compatible): the first release that scales Serverless v2 down to
 * 0 ACU (auto-pause).
 */
export const DEFAULT_AURORA_MYSQL_VERSION = '8.0.mysql_aurora.3.08.2';

/** The logs Aurora MySQL can export to CloudWatch Logs. */
export type AuroraMysqlLogType = 'audit' | 'error' | 'general' | 'slowquery';
const LOG_TYPES: readonly AuroraMysqlLogType[] = ['audit', 'error', 'general', 'slowquery'];

/** Props of {@link AuroraServerless}. */
export interface AuroraServerlessProps {
  /** Cluster identifier (instances are `<name>-1`, ...), also naming the subnet and security groups. */
  readonly name: string;
  readonly vpcId: string;
  /** Private subnets in at least two zones, for the DB subnet group. */
  readonly subnetIds: readonly string[];
  /** Schema created with the cluster, e.g. `wordpress`. */
  readonly databaseName: string;
  /** @default 'admin' */
  readonly masterUsername?: string;
  /** @default DEFAULT_AURORA_MYSQL_VERSION */
  readonly engineVersion?: string;
  /**
   * Lowest capacity in Aurora capacity units (1 ACU ≈ 2 GiB of memory), in steps of 0.5. 0 pauses
   * the cluster when idle (needs Aurora MySQL 3.08 or later; the first query after a pause waits ~15 s).
   * @default 0.5
   */
  readonly minCapacityAcu?: number;
  /** Highest capacity in ACU, 1 to 256 in steps of 0.5. @default 2 */
  readonly maxCapacityAcu?: number;
  /** Idle seconds before a cluster with `minCapacityAcu` 0 pauses (300 to 86400). @default 300 */
  readonly secondsUntilAutoPause?: number;
  /** `db.serverless` instances: the first is the writer, the others readers in other zones. @default 1 */
  readonly instanceCount?: number;
  /** Days of automated backups (point-in-time restore), 1 to 35. @default 7 */
  readonly backupRetentionDays?: number;
  /** Daily backup window in UTC, `hh24:mi-hh24:mi`. @default - chosen by RDS */
  readonly preferredBackupWindow?: string;
  /**
   * RDS refuses to delete the cluster while this is on.
   * @default true
   */
  readonly deletionProtection?: boolean;
  /**
   * Take a snapshot when the cluster is deleted.
   * @default true
   */
  readonly finalSnapshot?: boolean;
  /**
   * Name of that snapshot. It is fixed rather than time-stamped so that plans stay stable; delete
   * or rename the old snapshot before deleting a re-created cluster of the same name.
   * @default `${name}-final`
   */
  readonly finalSnapshotIdentifier?: string;
  /**
   * Terraform's `prevent_destroy` on the cluster.
   * @default true
   */
  readonly preventDestroy?: boolean;
  /**
   * Logs exported to CloudWatch Logs; their log groups are created here with `logRetentionDays`
   * (RDS would otherwise create them with no expiry).
   * @default []
   */
  readonly cloudwatchLogsExports?: readonly AuroraMysqlLogType[];
  /** @default 30 */
  readonly logRetentionDays?: number;
  /**
   * Performance Insights on every instance, with the free 7 days of history.
   * @default false
   */
  readonly performanceInsights?: boolean;
  /**
   * Seconds between enhanced-monitoring samples (1, 5, 10, 15, 30 or 60); a monitoring role is created with it. 0 turns it off.
   * @default 0
   */
  readonly monitoringIntervalSeconds?: number;
  /**
   * Customer managed KMS key for the storage.
   * @default - the AWS managed key `aws/rds`
   */
  readonly kmsKeyArn?: string;
}

/** Keys of the JSON secret RDS manages for the master user. */
export type MasterSecretKey = 'username' | 'password';

/** An Aurora MySQL Serverless v2 cluster with its instances, subnet group and security group. */
export class AuroraServerless extends Construct {
  /** Writer endpoint (DNS name, without the port). */
  readonly endpoint: string;
  /** Reader endpoint: spreads reads over the reader instances (the writer when there are none). */
  readonly readerEndpoint: string;
  readonly port = MYSQL_PORT;
  readonly databaseName: string;
  readonly clusterIdentifier: string;
  readonly clusterArn: string;
  /** ARN of the RDS-managed secret holding `username` and `password`. */
  readonly masterUserSecretArn: string;
  /**
   * The cluster's group. It has no rule of its own: a client is let in by its own construct
   * (`FargateService.allowTo(database, database.port, ...)`), so nothing else reaches MySQL.
   */
  readonly securityGroupId: string;
  /** The underlying cluster, for outputs and dependencies. */
  readonly cluster: RdsCluster;

  constructor(scope: Construct, id: string, props: AuroraServerlessProps) {
    super(scope, id);
    const masterUsername = props.masterUsername ?? 'admin';
    const engineVersion = props.engineVersion ?? DEFAULT_AURORA_MYSQL_VERSION;
    const minCapacityAcu = props.minCapacityAcu ?? 0.5;
    const maxCapacityAcu = props.maxCapacityAcu ?? 2;
    const instanceCount = props.instanceCount ?? 1;
    const backupRetentionDays = props.backupRetentionDays ?? 7;
    const deletionProtection = props.deletionProtection ?? true;
    const finalSnapshot = props.finalSnapshot ?? true;
    const finalSnapshotIdentifier = props.finalSnapshotIdentifier ?? `${props.name}-final`;
    const preventDestroy = props.preventDestroy ?? true;
    const logExports = props.cloudwatchLogsExports ?? [];
    const logRetentionDays = props.logRetentionDays ?? 30;
    validate(props, {
      masterUsername,
      minCapacityAcu,
      maxCapacityAcu,
      instanceCount,
      backupRetentionDays,
      finalSnapshot,
      finalSnapshotIdentifier,
      logExports,
      logRetentionDays,
    });

    const subnetGroup = new DbSubnetGroup(this, 'subnets', {
      name: props.name,
      description: `Aurora ${props.name}: private subnets`,
      subnetIds: [...props.subnetIds],
    });
    const sg = new SecurityGroup(this, 'sg', {
      name: `${props.name}-db`,
      description: `Aurora ${props.name}: MySQL from client security groups only`,
      vpcId: props.vpcId,
      tags: { Name: `${props.name}-db` },
    });
    // Created before the cluster so that they carry a retention; RDS would create them without one.
    const logGroups = logExports.map((type) => new CloudwatchLogGroup(this, `logs-${type}`, { name: `/aws/rds/cluster/${props.name}/${type}`, retentionInDays: logRetentionDays }));

    this.cluster = new RdsCluster(this, 'cluster', {
      clusterIdentifier: props.name,
      engine: 'aurora-mysql',
      // Serverless v2 is the provisioned engine mode with db.serverless instances; the `serverless`
      // mode is v1, which reached its end of life in 2025.
      engineMode: 'provisioned',
      engineVersion,
      serverlessv2ScalingConfiguration: {
        minCapacity: minCapacityAcu,
        maxCapacity: maxCapacityAcu,
        secondsUntilAutoPause: minCapacityAcu === 0 ? (props.secondsUntilAutoPause ?? 300) : undefined,
      },
      databaseName: props.databaseName,
      masterUsername,
      // RDS generates the password and keeps it in Secrets Manager (rotated every 7 days by default).
      manageMasterUserPassword: true,
      port: MYSQL_PORT,
      dbSubnetGroupName: subnetGroup.name,
      vpcSecurityGroupIds: [sg.id],
      storageEncrypted: true,
      kmsKeyId: props.kmsKeyArn,
      backupRetentionPeriod: backupRetentionDays,
      preferredBackupWindow: props.preferredBackupWindow,
      copyTagsToSnapshot: true,
      deletionProtection,
      skipFinalSnapshot: !finalSnapshot,
      finalSnapshotIdentifier: finalSnapshot ? finalSnapshotIdentifier : undefined,
      enabledCloudwatchLogsExports: logExports.length > 0 ? [...logExports] : undefined,
      lifecycle: preventDestroy ? { preventDestroy: true } : undefined,
      dependsOn: logGroups.length > 0 ? logGroups : undefined,
    });

    const monitoringIntervalSeconds = props.monitoringIntervalSeconds ?? 0;
    if (![0, 1, 5, 10, 15, 30, 60].includes(monitoringIntervalSeconds)) {
      throw new Error(`AuroraServerless ${props.name}: monitoringIntervalSeconds ${monitoringIntervalSeconds} is not an interval RDS takes; use 0 (off), 1, 5, 10, 15, 30 or 60`);
    }
    const monitoringRole =
      monitoringIntervalSeconds > 0
        ? new IamRole(this, 'monitoring-role', {
            namePrefix: `${props.name.slice(0, 24)}-mon-`,
            description: `Enhanced monitoring of Aurora ${props.name}: RDS publishes OS metrics to CloudWatch Logs`,
            assumeRolePolicy: trustPolicyDocument([{ sid: 'RdsMonitoring', service: 'monitoring.rds.amazonaws.com' }]),
          })
        : undefined;
    if (monitoringRole) {
      new IamRolePolicyAttachment(this, 'monitoring-policy', { role: monitoringRole.name, policyArn: ENHANCED_MONITORING_POLICY_ARN });
    }

    for (let n = 1; n <= instanceCount; n++) {
      // Instances are interchangeable and numbered like RDS numbers them; adding one adds the next number.
      new RdsClusterInstance(this, `instance-${n}`, {
        identifier: `${props.name}-${n}`,
        clusterIdentifier: this.cluster.id,
        instanceClass: 'db.serverless',
        engine: this.cluster.engine,
        engineVersion: this.cluster.engineVersion,
        dbSubnetGroupName: subnetGroup.name,
        publiclyAccessible: false,
        autoMinorVersionUpgrade: true,
        promotionTier: n === 1 ? 0 : 1,
        ...(props.performanceInsights ? { performanceInsightsEnabled: true, performanceInsightsRetentionPeriod: 7 } : {}),
        ...(monitoringRole ? { monitoringInterval: monitoringIntervalSeconds, monitoringRoleArn: monitoringRole.arn } : {}),
      });
    }

    this.endpoint = this.cluster.endpoint;
    this.readerEndpoint = this.cluster.readerEndpoint;
    this.databaseName = props.databaseName;
    this.clusterIdentifier = this.cluster.clusterIdentifier;
    this.clusterArn = this.cluster.arn;
    this.masterUserSecretArn = this.cluster.masterUserSecret.get(0).secretArn;
    this.securityGroupId = sg.id;
  }

  /** ECS `valueFrom` of one key of the master secret: `<arn>:<key>::` (current version). */
  secretValueFrom(key: MasterSecretKey): string {
    return `${this.masterUserSecretArn}:${key}::`;
  }

  /** ECS `valueFrom` of the master user name. */
  get usernameValueFrom(): string {
    return this.secretValueFrom('username');
  }

  /** ECS `valueFrom` of the master password. */
  get passwordValueFrom(): string {
    return this.secretValueFrom('password');
  }

  /**
   * Reading the master secret, for the execution role of tasks that get it as ECS secrets. The
   * secret is encrypted with the AWS managed key, which needs no `kms:Decrypt` grant.
   */
  secretReadStatement(sid = 'ReadDatabaseSecret'): PolicyStatement {
    return { sid, actions: ['secretsmanager:GetSecretValue'], resources: [this.masterUserSecretArn] };
  }
}

interface ResolvedOptions {
  readonly masterUsername: string;
  readonly minCapacityAcu: number;
  readonly maxCapacityAcu: number;
  readonly instanceCount: number;
  readonly backupRetentionDays: number;
  readonly finalSnapshot: boolean;
  readonly finalSnapshotIdentifier: string;
  readonly logExports: readonly string[];
  readonly logRetentionDays: number;
}

/** Every reason these Aurora settings would fail at deploy time, each with its fix; empty when valid. */
export function auroraOptionProblems(props: AuroraServerlessProps, o: ResolvedOptions): string[] {
  const problems: string[] = [];
  const identifier = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
  if (!identifier.test(props.name) || props.name.length > 50) {
    problems.push(`name "${props.name}" is not a cluster identifier; use up to 50 lower-case letters, digits and single hyphens, starting with a letter`);
  }
  if (props.subnetIds.length < 2) problems.push(`subnetIds has ${props.subnetIds.length} subnet(s); a DB subnet group needs subnets in at least two zones`);
  if (!/^[A-Za-z][A-Za-z0-9_]{0,15}$/.test(o.masterUsername) || ['rdsadmin', 'root'].includes(o.masterUsername.toLowerCase())) {
    problems.push(`masterUsername "${o.masterUsername}" is not allowed; use up to 16 letters, digits and underscores (not root or rdsadmin), e.g. admin`);
  }
  problems.push(...auroraSettingProblems({ databaseName: props.databaseName, ...o }));
  const pause = props.secondsUntilAutoPause;
  if (pause !== undefined) {
    if (o.minCapacityAcu !== 0)
      problems.push(`secondsUntilAutoPause is set but minCapacityAcu is ${o.minCapacityAcu}; only a minimum of 0 pauses, so set minCapacityAcu 0 or drop it`);
    if (!Number.isInteger(pause) || pause < 300 || pause > 86400) problems.push(`secondsUntilAutoPause ${pause} is out of range; use 300 to 86400`);
  }
  if (!Number.isInteger(o.instanceCount) || o.instanceCount < 1 || o.instanceCount > 16) {
    problems.push(`instanceCount ${o.instanceCount} is invalid; use 1 (a writer) to 16 (a writer and 15 readers)`);
  }
  if (props.preferredBackupWindow !== undefined && !/^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$/.test(props.preferredBackupWindow)) {
    problems.push(`preferredBackupWindow "${props.preferredBackupWindow}" is not hh24:mi-hh24:mi in UTC; use e.g. 02:00-03:00`);
  }
  if (o.finalSnapshot && (!identifier.test(o.finalSnapshotIdentifier) || o.finalSnapshotIdentifier.length > 255)) {
    problems.push(`finalSnapshotIdentifier "${o.finalSnapshotIdentifier}" is not a snapshot identifier; use lower-case letters, digits and single hyphens, starting with a letter`);
  }
  const unknownLogs = o.logExports.filter((type) => !(LOG_TYPES as readonly string[]).includes(type));
  if (unknownLogs.length > 0) problems.push(`cloudwatchLogsExports: ${unknownLogs.join(', ')} not an Aurora MySQL log; use ${LOG_TYPES.join(', ')}`);
  if (new Set(o.logExports).size !== o.logExports.length) problems.push('cloudwatchLogsExports names a log twice; list each once');
  if (!isLogRetentionDays(o.logRetentionDays)) {
    problems.push(`logRetentionDays ${o.logRetentionDays} is not a CloudWatch retention; use one of ${LOG_RETENTION_DAYS.join(', ')}`);
  }
  return problems;
}

function validate(props: AuroraServerlessProps, options: ResolvedOptions): void {
  const problems = auroraOptionProblems(props, options);
  if (problems.length > 0) throw new Error(`AuroraServerless ${props.name}: ${problems.join('; ')}`);
}
