/** CloudWatch alarms from the catalogue's definitions, each sending its alarm and OK notifications to one topic. */
import { Construct } from 'constructs';
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import type { AlarmDefinition, Watched } from '../lib/alarm-catalogue';

/** Props of {@link MetricAlarms}. */
export interface MetricAlarmsProps {
  /** What is watched, from stacks/lib/alarm-catalogue.ts. */
  readonly watched: Watched;
  /** The topic that hears every state change into ALARM and back to OK. */
  readonly topicArn: string;
}

/** The alarms of one watched thing; construct ids are the definitions' keys. */
export class MetricAlarms extends Construct {
  readonly watched: Watched;
  /** Alarm names by definition key; references, so that what names them waits for them. */
  readonly names: ReadonlyMap<string, string>;

  constructor(scope: Construct, id: string, props: MetricAlarmsProps) {
    super(scope, id);
    const names = new Map<string, string>();
    for (const definition of props.watched.alarms) {
      if (names.has(definition.key)) throw new Error(`MetricAlarms ${id}: the key "${definition.key}" is used twice; give each alarm its own key`);
      names.set(definition.key, new CloudwatchMetricAlarm(this, definition.key, alarmConfig(definition, props.topicArn)).alarmName);
    }
    this.watched = props.watched;
    this.names = names;
  }

  /** The names of the alarms a deployment rolls back on, as references. */
  rollbackAlarmNames(): string[] {
    return this.watched.alarms.filter((a) => a.rollback).map((a) => this.names.get(a.key) as string);
  }
}

/** One alarm's Terraform configuration: a plain metric alarm, or metric math returning one expression. */
export function alarmConfig(definition: AlarmDefinition, topicArn: string) {
  const { evaluation } = definition;
  const common = {
    alarmName: definition.name,
    alarmDescription: definition.description,
    comparisonOperator: definition.comparison,
    threshold: definition.threshold,
    evaluationPeriods: evaluation.evaluationPeriods,
    datapointsToAlarm: evaluation.datapointsToAlarm,
    treatMissingData: definition.treatMissingData,
    alarmActions: [topicArn],
    okActions: [topicArn],
  };
  const [only] = definition.metrics;
  if (!definition.expression && definition.metrics.length === 1) {
    const percentile = /^p\d+(\.\d+)?$/.test(only.stat);
    return {
      ...common,
      namespace: only.namespace,
      metricName: only.metricName,
      dimensions: { ...only.dimensions },
      period: evaluation.periodSeconds,
      ...(percentile ? { extendedStatistic: only.stat } : { statistic: only.stat }),
    };
  }
  if (!definition.expression) throw new Error(`alarm ${definition.name}: ${definition.metrics.length} metrics and no expression; combine them with metric math`);
  return {
    ...common,
    metricQuery: [
      { id: 'e1', expression: definition.expression, label: definition.description.slice(0, 255), returnData: true },
      ...definition.metrics.map((m) => ({
        id: m.id,
        returnData: false,
        metric: { namespace: m.namespace, metricName: m.metricName, dimensions: { ...m.dimensions }, period: evaluation.periodSeconds, stat: m.stat },
      })),
    ],
  };
}
