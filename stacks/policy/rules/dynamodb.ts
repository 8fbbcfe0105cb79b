/** DynamoDB rules: backups, encryption, protection against deletion, capacity. */
import type { Rule } from '../types';
import { block, type TfElement } from '../../lib/tf-json';
import { isTrue, outsideLocal, perResource, unlessTeardown } from './attributes';

const TABLE = ['aws_dynamodb_table'];

/** The DynamoDB rules, in the order of docs/policy.md. */
export const dynamodbRules: readonly Rule[] = [
  perResource({
    id: 'DDB001',
    mirrors: 'checkov CKV_AWS_28; Security Hub DynamoDB.2',
    title: 'DynamoDB tables have point-in-time recovery (outside local)',
    fix: 'pass pointInTimeRecovery: true to SeededTable (config data.pointInTimeRecovery)',
    resourceTypes: TABLE,
    appliesTo: outsideLocal,
    test: (t) => (isTrue(block(t.props.point_in_time_recovery)?.enabled) ? undefined : 'point-in-time recovery is off'),
  }),
  perResource({
    id: 'DDB002',
    mirrors: 'tfsec aws-dynamodb-enable-at-rest-encryption; checkov CKV_AWS_119 (which wants a customer key)',
    title: 'DynamoDB tables are encrypted with a KMS key (outside local)',
    fix: 'pass serverSideEncryption: true to SeededTable (config data.serverSideEncryption)',
    resourceTypes: TABLE,
    appliesTo: outsideLocal,
    test: (t) => (isTrue(block(t.props.server_side_encryption)?.enabled) ? undefined : 'encryption with a KMS key is off (AWS owned key only)'),
  }),
  perResource({
    id: 'DDB003',
    mirrors: 'Security Hub DynamoDB.6',
    title: 'DynamoDB tables have deletion protection (outside local)',
    fix: 'pass deletionProtection: true to SeededTable (config data.deletionProtection)',
    resourceTypes: TABLE,
    appliesTo: unlessTeardown(outsideLocal),
    test: (t) => (isTrue(t.props.deletion_protection_enabled) ? undefined : 'deletion protection is off'),
  }),
  perResource({
    id: 'DDB004',
    mirrors: 'own',
    title: 'DynamoDB tables have lifecycle.prevent_destroy (outside local)',
    fix: 'pass preventDestroy: true to SeededTable (config data.preventDestroy)',
    resourceTypes: TABLE,
    appliesTo: unlessTeardown(outsideLocal),
    test: (t) => (isTrue(block(t.props.lifecycle)?.prevent_destroy) ? undefined : 'Terraform may destroy the table: prevent_destroy is not set'),
  }),
  perResource({
    id: 'DDB005',
    mirrors: 'own (Security Hub DynamoDB.1)',
    title: 'DynamoDB tables bill on demand or scale provisioned capacity automatically',
    fix: "use billingMode 'PAY_PER_REQUEST', or add an aws_appautoscaling_target for the table",
    resourceTypes: TABLE,
    alsoReads: ['aws_appautoscaling_target'],
    test: (t, doc) => {
      if (t.props.billing_mode === 'PAY_PER_REQUEST') return undefined;
      const scaled = doc.resources('aws_appautoscaling_target').some((s) => s.props.service_namespace === 'dynamodb' && tableOfScalingTarget(s, t));
      return scaled ? undefined : 'provisioned capacity without autoscaling throttles under load';
    },
  }),
];

function tableOfScalingTarget(target: TfElement, table: TfElement): boolean {
  const resourceId = String(target.props.resource_id ?? '');
  const name = typeof table.props.name === 'string' ? table.props.name : undefined;
  return resourceId.includes(`${table.type}.${table.logicalId}.`) || (name !== undefined && resourceId === `table/${name}`);
}
