/**
 * Policy fixtures for the EFS and RDS rules: a compliant document of each kind, and a variation
 * that breaks one rule each. rules.test.ts runs them with the other rules' cases.
 */
import type { TfJson } from '../../stacks/lib/tf-json';
import type { PolicyContext } from '../../stacks/policy/engine';

/** One rule's pair of fixtures, as rules.test.ts runs them. */
export interface RuleCase {
  readonly violating: TfJson;
  readonly violation: string;
  readonly compliant: TfJson;
  readonly context?: Partial<PolicyContext>;
}

type Attributes = Record<string, unknown>;
const res = (resource: Record<string, Record<string, Attributes>>): TfJson => ({ resource });

const FS_ARN = '${aws_efs_file_system.fs.arn}';
/** The policy EfsFileSystem writes: deny every client action without TLS. */
export const tlsOnlyPolicy = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'DenyWithoutTls',
      Effect: 'Deny',
      Principal: { AWS: '*' },
      Action: ['elasticfilesystem:ClientMount', 'elasticfilesystem:ClientWrite', 'elasticfilesystem:ClientRootAccess'],
      Resource: [FS_ARN],
      Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    },
  ],
});

/** A file system with its backup policy, TLS-only policy and access point; `overrides` replace whole resources' attributes. */
export function efsStack(overrides: { fs?: Attributes; backup?: Attributes | null; policy?: Attributes | null; accessPoint?: Attributes } = {}): TfJson {
  return res({
    aws_efs_file_system: { fs: { creation_token: 'wp', encrypted: true, ...overrides.fs } },
    ...(overrides.backup === null
      ? {}
      : { aws_efs_backup_policy: { b: { file_system_id: '${aws_efs_file_system.fs.id}', backup_policy: { status: 'ENABLED' }, ...overrides.backup } } }),
    ...(overrides.policy === null ? {} : { aws_efs_file_system_policy: { p: { file_system_id: '${aws_efs_file_system.fs.id}', policy: tlsOnlyPolicy, ...overrides.policy } } }),
    aws_efs_access_point: {
      ap: {
        file_system_id: '${aws_efs_file_system.fs.id}',
        posix_user: { uid: 33, gid: 33 },
        root_directory: { path: '/wordpress', creation_info: { owner_uid: 33, owner_gid: 33, permissions: '0755' } },
        ...overrides.accessPoint,
      },
    },
  });
}

const goodEfsVolume = {
  file_system_id: '${aws_efs_file_system.fs.id}',
  transit_encryption: 'ENABLED',
  authorization_config: { access_point_id: '${aws_efs_access_point.ap.id}', iam: 'ENABLED' },
};

/** A task definition with one EFS volume (`webroot`) and one task-storage volume (`tmp`). */
export function efsTask(volume: Attributes = {}): TfJson {
  return res({
    aws_ecs_task_definition: {
      task: {
        family: 'wordpress',
        container_definitions: '[]',
        volume: [{ name: 'webroot', efs_volume_configuration: { ...goodEfsVolume, ...volume } }, { name: 'tmp' }],
      },
    },
  });
}

const goodCluster = {
  cluster_identifier: 'wp',
  engine: 'aurora-mysql',
  engine_mode: 'provisioned',
  storage_encrypted: true,
  manage_master_user_password: true,
  master_username: 'admin',
  deletion_protection: true,
  backup_retention_period: 7,
  skip_final_snapshot: false,
  final_snapshot_identifier: 'wp-final',
};

/** An Aurora cluster with one instance; `overrides` change the cluster's attributes. */
export function auroraStack(cluster: Attributes = {}, instance: Attributes = {}): TfJson {
  return res({
    aws_rds_cluster: { db: { ...goodCluster, ...cluster } },
    aws_rds_cluster_instance: {
      one: { cluster_identifier: '${aws_rds_cluster.db.id}', instance_class: 'db.serverless', publicly_accessible: false, ...instance },
    },
  });
}

const prod: Partial<PolicyContext> = { environment: 'prod' };

/** The cases of EFS001..EFS006 and RDS001..RDS006. */
export const STORAGE_CASES: Record<string, RuleCase> = {
  EFS001: { violation: 'an unencrypted file system', violating: efsStack({ fs: { encrypted: false } }), compliant: efsStack() },
  EFS002: { violation: 'an EFS volume without transit encryption', violating: efsTask({ transit_encryption: 'DISABLED' }), compliant: efsTask() },
  EFS003: { violation: 'an EFS volume without an access point', violating: efsTask({ authorization_config: { iam: 'ENABLED' } }), compliant: efsTask() },
  EFS004: {
    violation: 'an access point that exposes the root directory',
    violating: efsStack({ accessPoint: { root_directory: { path: '/' } } }),
    compliant: efsStack(),
  },
  EFS005: { violation: 'a dev file system without a backup policy', violating: efsStack({ backup: null }), compliant: efsStack() },
  EFS006: { violation: 'a file system without a TLS-only policy', violating: efsStack({ policy: null }), compliant: efsStack() },
  RDS001: { violation: 'a cluster with unencrypted storage', violating: auroraStack({ storage_encrypted: false }), compliant: auroraStack() },
  RDS002: { violation: 'a publicly accessible instance', violating: auroraStack({}, { publicly_accessible: true }), compliant: auroraStack() },
  RDS003: { violation: 'a prod cluster without deletion protection', violating: auroraStack({ deletion_protection: false }), compliant: auroraStack(), context: prod },
  RDS004: { violation: 'a prod cluster keeping backups one day', violating: auroraStack({ backup_retention_period: 1 }), compliant: auroraStack(), context: prod },
  RDS005: { violation: 'a prod cluster that skips the final snapshot', violating: auroraStack({ skip_final_snapshot: true }), compliant: auroraStack(), context: prod },
  RDS007: {
    violation: 'a prod cluster exporting only its error log',
    violating: auroraStack({ enabled_cloudwatch_logs_exports: ['error'] }),
    compliant: auroraStack({ enabled_cloudwatch_logs_exports: ['audit', 'error', 'slowquery'] }),
    context: prod,
  },
  RDS008: {
    violation: 'a prod instance without Performance Insights',
    violating: auroraStack(),
    compliant: auroraStack({}, { performance_insights_enabled: true }),
    context: prod,
  },
  RDS009: {
    violation: 'a prod instance without enhanced monitoring',
    violating: auroraStack(),
    compliant: auroraStack({}, { monitoring_interval: 60, monitoring_role_arn: '${aws_iam_role.monitoring.arn}' }),
    context: prod,
  },
  BAK001: {
    violation: 'a prod file system in no backup plan',
    violating: efsStack(),
    compliant: { resource: { ...efsStack().resource, aws_backup_selection: { s: { resources: [FS_ARN] } } } },
    context: prod,
  },
  BAK002: {
    violation: 'a prod cluster in no backup plan',
    violating: auroraStack(),
    compliant: { resource: { ...auroraStack().resource, aws_backup_selection: { s: { resources: ['${aws_rds_cluster.db.arn}'] } } } },
    context: prod,
  },
  RDS006: {
    violation: 'a cluster with its master password in the configuration',
    violating: auroraStack({ manage_master_user_password: undefined, master_password: 'hunter2hunter2' }),
    compliant: auroraStack(),
  },
};
