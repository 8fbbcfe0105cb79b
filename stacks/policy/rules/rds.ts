/** RDS rules: encrypted storage, no public endpoints, backups, protection against deletion in prod, no password in state. */
import type { Rule } from '../types';
import { inProd, isTrue, numberOf, outsideLocal, perResource, strings, text, unlessTeardown } from './attributes';

const CLUSTER = 'aws_rds_cluster';
const DB_INSTANCE = 'aws_db_instance';
const CLUSTER_INSTANCE = 'aws_rds_cluster_instance';
/** What holds the data (and its settings): Aurora clusters and stand-alone instances. */
const DATABASES = [CLUSTER, DB_INSTANCE];

/** Automated backups kept in prod, in days (Security Hub RDS.11 asks for 7). */
export const PROD_BACKUP_RETENTION_DAYS = 7;

/** The RDS rules. */
export const rdsRules: readonly Rule[] = [
  perResource({
    id: 'RDS001',
    mirrors: 'checkov CKV_AWS_96, CKV_AWS_16; Security Hub RDS.27, RDS.3',
    title: 'RDS clusters and instances encrypt their storage',
    fix: 'set storageEncrypted: true (AuroraServerless always does); existing storage is encrypted by restoring a snapshot copy',
    resourceTypes: DATABASES,
    test: (db) => (isTrue(db.props.storage_encrypted) ? undefined : 'storage and its snapshots are not encrypted at rest'),
  }),
  perResource({
    id: 'RDS002',
    mirrors: 'checkov CKV_AWS_17; Security Hub RDS.2',
    title: 'RDS instances are not publicly accessible',
    fix: 'set publiclyAccessible: false and keep the instances in private subnets',
    resourceTypes: [DB_INSTANCE, CLUSTER_INSTANCE],
    test: (db) => (isTrue(db.props.publicly_accessible) ? 'the instance gets a public DNS name and address' : undefined),
  }),
  perResource({
    id: 'RDS003',
    mirrors: 'checkov CKV_AWS_139, CKV_AWS_293; Security Hub RDS.7, RDS.8',
    title: 'RDS clusters and instances have deletion protection in prod',
    fix: 'pass deletionProtection: true to AuroraServerless (the default)',
    resourceTypes: DATABASES,
    appliesTo: unlessTeardown(inProd),
    test: (db) => (isTrue(db.props.deletion_protection) ? undefined : 'deletion protection is off'),
  }),
  perResource({
    id: 'RDS004',
    mirrors: 'checkov CKV_AWS_133; Security Hub RDS.11',
    title: `RDS clusters and instances keep automated backups (outside local), at least ${PROD_BACKUP_RETENTION_DAYS} days in prod`,
    fix: `set backupRetentionDays (AuroraServerless) to ${PROD_BACKUP_RETENTION_DAYS} or more in prod, 1 or more elsewhere`,
    resourceTypes: DATABASES,
    appliesTo: outsideLocal,
    test: (db, _doc, context) => {
      // Unset, RDS keeps one day.
      const days = numberOf(db.props.backup_retention_period) ?? 1;
      const minimum = context.environment === 'prod' ? PROD_BACKUP_RETENTION_DAYS : 1;
      return days >= minimum ? undefined : `backups are kept ${days} day(s); ${context.environment} needs at least ${minimum}`;
    },
  }),
  perResource({
    id: 'RDS005',
    mirrors: 'own',
    title: 'RDS clusters and instances take a final snapshot when deleted in prod',
    fix: 'pass finalSnapshot: true to AuroraServerless (the default): skipFinalSnapshot false and a finalSnapshotIdentifier',
    resourceTypes: DATABASES,
    appliesTo: inProd,
    test: (db) => {
      if (isTrue(db.props.skip_final_snapshot)) return 'skip_final_snapshot is on: deleting it loses the data after the last backup';
      return text(db.props.final_snapshot_identifier) ? undefined : 'no final_snapshot_identifier: a destroy fails, or someone sets skip_final_snapshot to get past it';
    },
  }),
  perResource({
    id: 'RDS006',
    mirrors: 'own (Security Hub SecretsManager.1 for rotation)',
    title: 'RDS master passwords are managed by RDS in Secrets Manager, never written into the Terraform state',
    fix: 'set manageMasterUserPassword: true instead of masterPassword (AuroraServerless does)',
    resourceTypes: DATABASES,
    test: (db) => (text(db.props.master_password) ? 'master_password is set: the password is stored in plain text in the Terraform state' : undefined),
  }),
  perResource({
    id: 'RDS007',
    mirrors: 'checkov CKV_AWS_324, CKV_AWS_325; Security Hub RDS.34',
    title: 'Aurora MySQL clusters in prod export their audit, error and slow-query logs to CloudWatch Logs',
    fix: "set cloudwatchLogsExports: ['audit', 'error', 'slowquery'] on AuroraServerless (CDKTF_WORDPRESS_DB_LOGS)",
    resourceTypes: [CLUSTER],
    appliesTo: inProd,
    test: (db) => {
      if (!String(db.props.engine ?? '').startsWith('aurora-mysql')) return undefined;
      const missing = ['audit', 'error', 'slowquery'].filter((t) => !strings(db.props.enabled_cloudwatch_logs_exports).includes(t));
      return missing.length === 0 ? undefined : `does not export the ${missing.join(', ')} log(s)`;
    },
  }),
  perResource({
    id: 'RDS008',
    mirrors: 'checkov CKV_AWS_353',
    title: 'RDS instances in prod have Performance Insights',
    fix: 'pass performanceInsights: true to AuroraServerless (CDKTF_WORDPRESS_DB_PERFORMANCE_INSIGHTS)',
    resourceTypes: [CLUSTER_INSTANCE, DB_INSTANCE],
    appliesTo: inProd,
    test: (db) => (isTrue(db.props.performance_insights_enabled) ? undefined : 'Performance Insights is off'),
  }),
  perResource({
    id: 'RDS009',
    mirrors: 'checkov CKV_AWS_118',
    title: 'RDS instances in prod have enhanced monitoring with a role',
    fix: 'pass monitoringIntervalSeconds (e.g. 60) to AuroraServerless (CDKTF_WORDPRESS_DB_MONITORING_SECONDS); it adds the monitoring role',
    resourceTypes: [CLUSTER_INSTANCE, DB_INSTANCE],
    appliesTo: inProd,
    test: (db) => ((numberOf(db.props.monitoring_interval) ?? 0) > 0 && text(db.props.monitoring_role_arn) ? undefined : 'enhanced monitoring is off'),
  }),
];
