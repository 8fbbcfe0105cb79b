import { Testing } from 'cdktf';
import type { Construct } from 'constructs';
import { AlarmTopic } from '../../stacks/constructs/alarm-topic';
import { Dashboard } from '../../stacks/constructs/dashboard';
import { MetricAlarms } from '../../stacks/constructs/metric-alarms';
import { serviceAlarms, tableAlarms } from '../../stacks/lib/alarm-catalogue';
import { alarmDefaults } from '../../stacks/settings/alarms';
import { parse, resources } from '../support/synth';

const dev = alarmDefaults('dev');
const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:alarms';
const synth = (build: (scope: Construct) => void) => parse(Testing.synthScope(build));
const policy = (props: Record<string, unknown>) => JSON.parse(String(props.policy)) as { Statement: Record<string, unknown>[] };

describe('AlarmTopic', () => {
  it('encrypts the topic with its own rotating key, which CloudWatch may use for its own account only', () => {
    const json = synth((scope) => new AlarmTopic(scope, 'alarms', { name: 'shop-dev-alarms' }));
    const [key] = resources(json, 'aws_kms_key');
    expect(key.props.enable_key_rotation).toBe(true);
    expect(resources(json, 'aws_sns_topic')[0].props.kms_master_key_id).toBe('${aws_kms_key.alarms_key_47B57B13.arn}');
    const cloudwatch = policy(resources(json, 'aws_kms_key_policy')[0].props).Statement.find((s) => s.Sid === 'CloudWatchAlarmsEncrypt');
    expect(cloudwatch).toMatchObject({ Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: ['kms:Decrypt', 'kms:GenerateDataKey'] });
    expect(JSON.stringify(cloudwatch?.Condition)).toContain('aws:SourceAccount');
  });

  it('lets only CloudWatch alarms of the topic owner publish', () => {
    const json = synth((scope) => new AlarmTopic(scope, 'alarms', { name: 'shop-dev-alarms' }));
    expect(policy(resources(json, 'aws_sns_topic_policy')[0].props).Statement).toEqual([
      expect.objectContaining({
        Effect: 'Allow',
        Principal: { Service: 'cloudwatch.amazonaws.com' },
        Action: ['sns:Publish'],
        Condition: { StringEquals: { 'aws:SourceAccount': '${aws_sns_topic.alarms_topic_CB6504A9.owner}' } },
      }),
    ]);
  });

  it('subscribes no one by default, and each configured address and endpoint otherwise', () => {
    expect(
      resources(
        synth((scope) => new AlarmTopic(scope, 'alarms', { name: 'a' })),
        'aws_sns_topic_subscription',
      ),
    ).toEqual([]);
    const json = synth((scope) => new AlarmTopic(scope, 'alarms', { name: 'a', emails: ['ops@example.com'], httpsEndpoints: ['https://hooks.example.com/x'] }));
    expect(resources(json, 'aws_sns_topic_subscription').map((s) => [s.props.protocol, s.props.endpoint])).toEqual([
      ['email', 'ops@example.com'],
      ['https', 'https://hooks.example.com/x'],
    ]);
  });

  it('refuses an endpoint that is not HTTPS, naming it and the fix', () => {
    expect(() => synth((scope) => new AlarmTopic(scope, 'alarms', { name: 'a', httpsEndpoints: ['http://hooks.example.com'] }))).toThrow(
      /httpsEndpoints: "http:\/\/hooks\.example\.com" is not an https:\/\/ URL/,
    );
  });
});

describe('MetricAlarms', () => {
  const watched = serviceAlarms({
    serviceName: 'svc',
    clusterName: 'c',
    targets: [{ label: 'external', loadBalancerArnSuffix: 'app/lb/1', targetGroupArnSuffix: 'targetgroup/tg/1' }],
    containerInsights: true,
    thresholds: dev.service,
    evaluation: dev.serviceEvaluation,
  });
  const alarms = () =>
    resources(
      synth((scope) => new MetricAlarms(scope, 'alarms', { watched, topicArn: TOPIC })),
      'aws_cloudwatch_metric_alarm',
    );
  const named = (name: string) => alarms().find((a) => a.props.alarm_name === name)?.props;

  it('sends alarm and OK notifications of every alarm to the topic, with missing data treated as defined', () => {
    for (const alarm of alarms()) {
      expect(alarm.props).toMatchObject({ alarm_actions: [TOPIC], ok_actions: [TOPIC] });
      expect(alarm.props.treat_missing_data).toBe(watched.alarms.find((d) => d.name === alarm.props.alarm_name)?.treatMissingData);
    }
  });

  it('reads a percentile as an extended statistic', () => {
    expect(named('svc-external-p99')).toMatchObject({ extended_statistic: 'p99', metric_name: 'TargetResponseTime', period: 60 });
    expect(named('svc-external-p99')?.statistic).toBeUndefined();
  });

  it('renders metric math as queries that return only the expression', () => {
    const queries = named('svc-external-5xx-rate')?.metric_query as { id: string; return_data: boolean }[];
    expect(queries.map((q) => [q.id, q.return_data])).toEqual([
      ['e1', true],
      ['errors', false],
      ['requests', false],
    ]);
  });
});

describe('Dashboard', () => {
  it('writes a JSON body with a graph per alarm of the watched things', () => {
    const table = tableAlarms('shop-dev-category', dev.resource, dev.resourceEvaluation);
    const json = synth((scope) => new Dashboard(scope, 'dashboard', { name: 'shop-dev', region: 'eu-west-1', watched: [table] }));
    const [dashboard] = resources(json, 'aws_cloudwatch_dashboard');
    const body = JSON.parse(String(dashboard.props.dashboard_body)) as { widgets: { properties: { title?: string } }[] };
    expect(body.widgets.map((w) => w.properties.title).filter(Boolean)).toEqual([
      'shop-dev-category consumed capacity',
      'shop-dev-category-throttles',
      'shop-dev-category-system-errors',
    ]);
  });

  it('refuses a name CloudWatch does not accept', () => {
    expect(() => synth((scope) => new Dashboard(scope, 'd', { name: 'shop dev', region: 'eu-west-1', watched: [tableAlarms('t', dev.resource, dev.resourceEvaluation)] }))).toThrow(
      /name "shop dev" may hold only letters, digits, - and _/,
    );
  });
});
