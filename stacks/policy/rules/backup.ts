/** AWS Backup rules: what holds data in prod is in a backup plan's selection. */
import type { TfElement } from '../../lib/tf-json';
import type { Rule } from '../types';
import { inProd, perResource, strings } from './attributes';

const SELECTION = 'aws_backup_selection';

/** Whether some backup selection lists the element's ARN (as a reference). */
function selected(element: TfElement, selections: readonly TfElement[]): boolean {
  const arn = `\${${element.type}.${element.logicalId}.arn}`;
  return selections.some((s) => strings(s.props.resources).includes(arn));
}

/** The AWS Backup rules. */
export const backupRules: readonly Rule[] = [
  perResource({
    id: 'BAK001',
    mirrors: 'checkov CKV2_AWS_18',
    title: 'EFS file systems in prod are in an AWS Backup plan',
    fix: 'set CDKTF_WORDPRESS_BACKUP_PLAN_DAYS above 0; BackupPlan.addResource then selects the file system by ARN',
    resourceTypes: ['aws_efs_file_system'],
    alsoReads: [SELECTION],
    appliesTo: inProd,
    test: (fs, doc) => (selected(fs, doc.resources(SELECTION)) ? undefined : 'no backup plan selects the file system'),
  }),
  perResource({
    id: 'BAK002',
    mirrors: 'checkov CKV2_AWS_8',
    title: 'RDS clusters in prod are in an AWS Backup plan',
    fix: 'set CDKTF_WORDPRESS_BACKUP_PLAN_DAYS above 0; BackupPlan.addResource then selects the cluster by ARN',
    resourceTypes: ['aws_rds_cluster'],
    alsoReads: [SELECTION],
    appliesTo: inProd,
    test: (db, doc) => (selected(db, doc.resources(SELECTION)) ? undefined : 'no backup plan selects the cluster'),
  }),
];
