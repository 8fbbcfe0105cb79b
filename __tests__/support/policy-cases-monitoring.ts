/**
 * Policy fixtures for the monitoring rules (MON001-MON007): a compliant document of each kind, and
 * a variation that breaks one rule each. rules.test.ts runs them with the other rules' cases.
 */
import type { TfJson } from '../../stacks/lib/tf-json';
import type { RuleCase } from './policy-cases-storage';

type Attributes = Record<string, unknown>;
const res = (resource: Record<string, Record<string, Attributes>>): TfJson => ({ resource });

const TOPIC = '${aws_sns_topic.alarms.arn}';

/** A 5xx-rate alarm of one target group, notifying the topic. */
export function groupAlarm(group: string, overrides: Attributes = {}): Attributes {
  return {
    alarm_name: `app-${group}-5xx-rate`,
    comparison_operator: 'GreaterThanThreshold',
    evaluation_periods: 5,
    threshold: 2,
    treat_missing_data: 'notBreaching',
    alarm_actions: [TOPIC],
    ok_actions: [TOPIC],
    metric_query: [
      { id: 'e1', expression: 'errors / requests', return_data: true },
      {
        id: 'errors',
        metric: {
          namespace: 'AWS/ApplicationELB',
          metric_name: 'HTTPCode_Target_5XX_Count',
          period: 60,
          stat: 'Sum',
          dimensions: { TargetGroup: `\${aws_lb_target_group.${group}.arn_suffix}` },
        },
      },
    ],
    ...overrides,
  };
}

/** A service behind target group `a` (and `b`), whose deployment alarms name `alarmNames`. */
export function serviceWithAlarms(alarmNames: string[] | null, groups: Record<string, Attributes> = { a: groupAlarm('a') }, extraGroups: string[] = []): TfJson {
  const targetGroups = ['a', ...extraGroups];
  return res({
    aws_lb_target_group: Object.fromEntries(['a', 'b'].map((g) => [g, { name: g, port: 8080 }])),
    aws_cloudwatch_metric_alarm: groups,
    aws_ecs_service: {
      svc: {
        name: 'app',
        load_balancer: targetGroups.map((g) => ({ target_group_arn: `\${aws_lb_target_group.${g}.arn}`, container_name: 'app', container_port: 8080 })),
        deployment_circuit_breaker: { enable: true, rollback: true },
        ...(alarmNames ? { alarms: { enable: true, rollback: true, alarm_names: alarmNames } } : {}),
      },
    },
  });
}

const topicPolicy = (statement: Attributes) => res({ aws_sns_topic_policy: { p: { arn: TOPIC, policy: JSON.stringify({ Version: '2012-10-17', Statement: [statement] }) } } });
const CLOUDWATCH_PUBLISH = {
  Sid: 'CloudWatchAlarmsPublish',
  Effect: 'Allow',
  Principal: { Service: 'cloudwatch.amazonaws.com' },
  Action: ['sns:Publish'],
  Resource: [TOPIC],
  Condition: { StringEquals: { 'aws:SourceAccount': '${aws_sns_topic.alarms.owner}' } },
};

const insightsAlarm = {
  alarm_name: 'app-tasks-below-desired',
  treat_missing_data: 'breaching',
  alarm_actions: [TOPIC],
  ok_actions: [TOPIC],
  metric_query: [
    { id: 'e1', expression: 'desired - running', return_data: true },
    {
      id: 'desired',
      metric: { namespace: 'ECS/ContainerInsights', metric_name: 'DesiredTaskCount', period: 60, stat: 'Maximum', dimensions: { ClusterName: 'shop', ServiceName: 'app' } },
    },
  ],
};
const cluster = (value: string) => ({ aws_ecs_cluster: { c: { name: 'shop', setting: [{ name: 'containerInsights', value }] } } });

/** The monitoring rules' cases. */
export const MONITORING_CASES: Readonly<Record<string, RuleCase>> = {
  MON001: {
    violation: 'a dev service without rollback alarms',
    violating: serviceWithAlarms(null),
    compliant: serviceWithAlarms(['${aws_cloudwatch_metric_alarm.a.alarm_name}']),
  },
  MON002: {
    violation: 'an alarm without OK actions',
    violating: res({ aws_cloudwatch_metric_alarm: { a: groupAlarm('a', { ok_actions: undefined }) } }),
    compliant: res({ aws_cloudwatch_metric_alarm: { a: groupAlarm('a') } }),
  },
  MON003: {
    violation: 'a topic under the aws/sns key',
    violating: res({ aws_sns_topic: { alarms: { name: 'alarms', kms_master_key_id: 'alias/aws/sns' } } }),
    compliant: res({ aws_sns_topic: { alarms: { name: 'alarms', kms_master_key_id: '${aws_kms_key.alarms.arn}' } } }),
  },
  MON004: {
    violation: 'a topic policy that lets every principal subscribe',
    violating: topicPolicy({ ...CLOUDWATCH_PUBLISH, Principal: { AWS: '*' }, Action: ['sns:Subscribe'] }),
    compliant: topicPolicy(CLOUDWATCH_PUBLISH),
  },
  MON005: {
    violation: 'an alarm that leaves missing data to the default',
    violating: res({ aws_cloudwatch_metric_alarm: { a: groupAlarm('a', { treat_missing_data: undefined }) } }),
    compliant: res({ aws_cloudwatch_metric_alarm: { a: groupAlarm('a') } }),
  },
  MON006: {
    violation: 'a Container Insights alarm on a cluster without Container Insights',
    violating: res({ ...cluster('disabled'), aws_cloudwatch_metric_alarm: { tasks: insightsAlarm } }),
    compliant: res({ ...cluster('enabled'), aws_cloudwatch_metric_alarm: { tasks: insightsAlarm } }),
  },
  MON007: {
    violation: 'two alarms with one name',
    violating: res({ aws_cloudwatch_metric_alarm: { a: groupAlarm('a'), b: groupAlarm('a') } }),
    compliant: res({ aws_cloudwatch_metric_alarm: { a: groupAlarm('a'), b: groupAlarm('b') } }),
  },
};
