/**
 * Monitoring rules: services in shared environments roll back on their own alarms, every alarm
 * notifies on ALARM and on OK, the topic is encrypted with a key CloudWatch may use and only
 * CloudWatch may publish to it, and each alarm's missing-data handling is a choice.
 */
import type { TfDocument, TfElement } from '../../lib/tf-json';
import { block, blocks, isRecord } from '../../lib/tf-json';
import type { Rule } from '../types';
import { isTrue, perResource, strings, text } from './attributes';

const ALARM = 'aws_cloudwatch_metric_alarm';
const SERVICE = 'aws_ecs_service';
const TARGET_GROUP = 'aws_lb_target_group';
const TOPIC = 'aws_sns_topic';
const TOPIC_POLICY = 'aws_sns_topic_policy';
const CLUSTER = 'aws_ecs_cluster';
const INSIGHTS = 'ECS/ContainerInsights';

/** dev and prod: the environments people use. */
const shared = (environment: string) => environment === 'dev' || environment === 'prod';

/** The metrics of an alarm, plain or from its metric queries: namespace and dimensions. */
function alarmMetrics(alarm: TfElement): { namespace: unknown; dimensions: Record<string, unknown> }[] {
  const plain = alarm.props.metric_name !== undefined ? [{ namespace: alarm.props.namespace, dimensions: block(alarm.props.dimensions) ?? {} }] : [];
  const queried = blocks(alarm.props.metric_query).flatMap((q) => {
    const metric = block(q.metric);
    return metric ? [{ namespace: metric.namespace, dimensions: block(metric.dimensions) ?? {} }] : [];
  });
  return [...plain, ...queried];
}

/** The target groups whose metrics an alarm reads (by their `arn_suffix` references). */
function watchedTargetGroups(alarm: TfElement, doc: TfDocument): string[] {
  return alarmMetrics(alarm).flatMap((m) => {
    const group = doc.referenced(m.dimensions.TargetGroup);
    return group && group.type === TARGET_GROUP ? [group.address] : [];
  });
}

/** The alarm an `alarm_names` entry names: by reference to its `alarm_name`, or by the literal name. */
function alarmNamed(name: string, doc: TfDocument): TfElement | undefined {
  const referenced = doc.referenced(name);
  if (referenced?.type === ALARM) return referenced;
  return doc.resources(ALARM).find((a) => a.props.alarm_name === name);
}

/** Why a service's deployment alarms do not roll it back on its own target groups, or undefined. */
function rollbackProblem(service: TfElement, doc: TfDocument): string | undefined {
  const alarms = block(service.props.alarms);
  if (!alarms || !isTrue(alarms.enable) || !isTrue(alarms.rollback)) return 'no deployment alarms with rollback: a release that answers 5xx or slowly stays';
  const names = strings(alarms.alarm_names);
  if (names.length === 0) return 'deployment alarms name no alarm';
  const own = new Set(
    blocks(service.props.load_balancer).flatMap((lb) => {
      const group = doc.referenced(lb.target_group_arn);
      return group ? [group.address] : [];
    }),
  );
  const watched = new Set<string>();
  for (const name of names) {
    const alarm = alarmNamed(name, doc);
    if (!alarm) return `deployment alarm ${name} is not an alarm of this stack`;
    for (const group of watchedTargetGroups(alarm, doc)) {
      if (!own.has(group)) return `deployment alarm ${String(alarm.props.alarm_name)} watches ${group}, which is not a target group of this service`;
      watched.add(group);
    }
  }
  const unwatched = [...own].filter((g) => !watched.has(g));
  return unwatched.length === 0 ? undefined : `no deployment alarm watches its target group ${unwatched.join(', ')}`;
}

/** The statements of a policy JSON string, or undefined when it is not a JSON literal. */
function statementsOf(policy: unknown): Record<string, unknown>[] | undefined {
  if (typeof policy !== 'string') return undefined;
  try {
    const parsed: unknown = JSON.parse(policy);
    const statement = isRecord(parsed) ? parsed.Statement : undefined;
    const list = Array.isArray(statement) ? statement : [statement];
    return list.filter(isRecord);
  } catch {
    return undefined;
  }
}

/** Why an Allow statement of a topic policy is more than CloudWatch publishing for its own account, or undefined. */
function topicStatementProblem(s: Record<string, unknown>): string | undefined {
  const principal = isRecord(s.Principal) ? s.Principal : {};
  const services = strings(principal.Service);
  const others = Object.keys(principal).filter((k) => k !== 'Service');
  if (s.Principal === '*' || others.length > 0 || services.length === 0) return `${String(s.Sid ?? 'a statement')} allows ${JSON.stringify(s.Principal)}`;
  if (services.some((p) => p !== 'cloudwatch.amazonaws.com')) return `${String(s.Sid ?? 'a statement')} allows the service ${services.join(', ')}`;
  const actions = strings(s.Action);
  if (actions.some((a) => a !== 'sns:Publish')) return `${String(s.Sid ?? 'a statement')} allows ${actions.join(', ')}`;
  const condition = isRecord(s.Condition) ? s.Condition : {};
  const account = Object.values(condition).some((c) => isRecord(c) && (c['aws:SourceAccount'] !== undefined || c['aws:SourceArn'] !== undefined));
  return account ? undefined : `${String(s.Sid ?? 'a statement')} lets CloudWatch alarms of any account publish (no aws:SourceAccount condition)`;
}

/** The monitoring rules. */
export const monitoringRules: readonly Rule[] = [
  perResource({
    id: 'MON001',
    mirrors: 'own (aws-cdk deploymentAlarms; Copilot rollback_alarms)',
    title: 'ECS services in dev and prod roll back on alarms that watch exactly their own target groups',
    fix: 'keep CDKTF_ALARMS and CDKTF_ALARM_ROLLBACK on; FargateService.useDeploymentAlarms with the 5xx-rate and p99 alarms of the service itself',
    resourceTypes: [SERVICE],
    alsoReads: [ALARM, TARGET_GROUP],
    appliesTo: (context) => shared(context.environment),
    test: (service, doc) => rollbackProblem(service, doc),
  }),
  perResource({
    id: 'MON002',
    mirrors: 'own',
    title: 'CloudWatch alarms notify when they fire and when they recover',
    fix: 'give alarmActions and okActions the alarm topic (MetricAlarms does)',
    resourceTypes: [ALARM],
    test: (alarm) => {
      const missing = ['alarm_actions', 'ok_actions'].filter((key) => strings(alarm.props[key]).length === 0);
      return missing.length === 0 ? undefined : `no ${missing.join(' and no ')}: nobody hears of it`;
    },
  }),
  perResource({
    id: 'MON003',
    mirrors: 'checkov CKV_AWS_26; trivy AWS-0095, AWS-0136',
    title: 'SNS topics are encrypted with a customer managed KMS key',
    fix: 'set kmsMasterKeyId to a key of your own whose policy lets the publishers use it (AlarmTopic does)',
    resourceTypes: [TOPIC],
    test: (topic) => {
      const key = text(topic.props.kms_master_key_id);
      if (!key) return 'not encrypted';
      return /alias\/aws\/sns$/.test(key) ? 'encrypted with aws/sns, which CloudWatch alarms cannot use' : undefined;
    },
  }),
  perResource({
    id: 'MON004',
    mirrors: 'own',
    title: 'Topic policies let only CloudWatch alarms of the same account publish',
    fix: 'allow only { Service: cloudwatch.amazonaws.com } sns:Publish with an aws:SourceAccount condition (AlarmTopic does)',
    resourceTypes: [TOPIC_POLICY],
    test: (policy) => {
      const statements = statementsOf(policy.props.policy);
      if (!statements) return 'the policy is not a JSON document the check can read';
      const problems = statements.filter((s) => (s.Effect ?? 'Allow') === 'Allow').flatMap((s) => topicStatementProblem(s) ?? []);
      return problems.length === 0 ? undefined : problems.join('; ');
    },
  }),
  perResource({
    id: 'MON005',
    mirrors: 'own',
    title: 'CloudWatch alarms say how they treat missing data',
    fix: 'set treatMissingData (notBreaching, breaching, ignore or missing) and say why in a comment (stacks/lib/alarm-catalogue.ts)',
    resourceTypes: [ALARM],
    test: (alarm) => (text(alarm.props.treat_missing_data) ? undefined : 'treat_missing_data is left to the default'),
  }),
  perResource({
    id: 'MON006',
    mirrors: 'own',
    title: 'Container Insights alarms watch clusters that publish Container Insights metrics',
    fix: "turn Container Insights on for the cluster (containerInsights: 'enabled'), or leave out the alarm (serviceAlarms does without it)",
    resourceTypes: [ALARM],
    alsoReads: [CLUSTER],
    test: (alarm, doc) => {
      const names = alarmMetrics(alarm)
        .filter((m) => m.namespace === INSIGHTS)
        .map((m) => m.dimensions.ClusterName);
      const silent = doc.resources(CLUSTER).filter((cluster) => {
        const setting = blocks(cluster.props.setting).find((s) => s.name === 'containerInsights');
        const on = setting !== undefined && setting.value !== 'disabled';
        return !on && names.some((n) => n === cluster.props.name || doc.referenced(n)?.address === cluster.address);
      });
      return silent.length === 0
        ? undefined
        : `reads Container Insights metrics of ${silent.map((c) => String(c.props.name)).join(', ')}, which has Container Insights off: the alarm never sees data`;
    },
  }),
  {
    id: 'MON007',
    mirrors: 'own',
    title: 'Alarm names are unique',
    fix: 'name alarms after what they watch (stacks/lib/alarm-catalogue.ts prefixes each with its service, load balancer or table)',
    resourceTypes: [ALARM],
    check: (doc) => {
      const seen = new Map<string, TfElement>();
      return doc.resources(ALARM).flatMap((alarm) => {
        const name = alarm.props.alarm_name;
        if (typeof name !== 'string') return [];
        const first = seen.get(name);
        if (!first) {
          seen.set(name, alarm);
          return [];
        }
        return [{ element: alarm, message: `the alarm name ${name} is taken by ${first.address}: the second overwrites the first` }];
      });
    },
  },
];
