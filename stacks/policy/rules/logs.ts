/** CloudWatch Logs rules. */
import type { Rule } from '../types';
import { numberOf, perResource } from './attributes';

/** The CloudWatch Logs rules. */
export const logRules: readonly Rule[] = [
  perResource({
    id: 'LOG001',
    mirrors: 'checkov CKV_AWS_66 (CKV_AWS_338 wants at least a year)',
    title: 'Log groups expire their events',
    fix: 'set retentionInDays (FargateService logRetentionDays)',
    resourceTypes: ['aws_cloudwatch_log_group'],
    test: (g) => ((numberOf(g.props.retention_in_days) ?? 0) > 0 ? undefined : 'events are kept forever and billed forever'),
  }),
];
