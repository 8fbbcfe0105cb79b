/**
 * The `alarms` group: whether CloudWatch alarms, alarm-driven rollback and the notification topic
 * exist, who is notified, and every alarm's threshold, period and datapoints per environment.
 * The alarm catalogue (stacks/lib/alarm-catalogue.ts) turns these numbers into alarms.
 */
import type { AlarmEvaluation, ResourceAlarmThresholds, ServiceAlarmThresholds } from '../lib/alarm-catalogue';
import type { EnvironmentName } from './environments';

export type { AlarmEvaluation, ResourceAlarmThresholds, ServiceAlarmThresholds } from '../lib/alarm-catalogue';
import { type GroupVariables, ignored, json, type SettingsContext, text, value, variable, type VariableDefault } from './spec';

/** The alarms, rollback and notifications of one environment. */
export interface AlarmSettings {
  /** CloudWatch alarms, the notification topic and the dashboards. */
  readonly enabled: boolean;
  /** ECS rolls a deployment back when its service's 5xx-rate or p99 alarm fires (needs `enabled`). */
  readonly rollback: boolean;
  /** Addresses subscribed to the topic by email (each confirms once). */
  readonly emails: readonly string[];
  /** HTTPS endpoints subscribed to the topic (chat webhooks, incident tools). */
  readonly httpsEndpoints: readonly string[];
  readonly service: ServiceAlarmThresholds;
  /** Of the service alarms: a deployment's rollback must come within minutes. */
  readonly serviceEvaluation: AlarmEvaluation;
  readonly resource: ResourceAlarmThresholds;
  /** Of the resource alarms (load balancers, tables, WAF, WordPress). */
  readonly resourceEvaluation: AlarmEvaluation;
}

/** Per-service overrides of the thresholds (the services file's `alarms`). */
export type ServiceAlarmOverrides = Partial<ServiceAlarmThresholds>;

/** Three of five one-minute periods: a bad release is rolled back within about five minutes, a blip is not. */
const FAST: AlarmEvaluation = { periodSeconds: 60, evaluationPeriods: 5, datapointsToAlarm: 3 };

/**
 * Alarms are on wherever CloudWatch exists (the embedded DynamoDB of `local` has none). dev pages
 * only for what is clearly broken; prod for what users notice. The sandbox is dev's.
 */
export function alarmDefaults(name: EnvironmentName): AlarmSettings {
  const dev: AlarmSettings = {
    enabled: true,
    rollback: true,
    emails: [],
    httpsEndpoints: [],
    service: { errorRatePercent: 10, minRequestsPerMinute: 10, p99Ms: 3000, cpuPercent: 90, memoryPercent: 90 },
    serviceEvaluation: FAST,
    resource: {
      loadBalancer5xxCount: 20,
      tableThrottles: 10,
      wafBlockedRequests: 500,
      databaseCpuPercent: 90,
      databaseConnections: 80,
      fileSystemIoLimitPercent: 90,
      fileSystemBurstCreditGiB: 100,
    },
    // Two of three five-minute periods: quiet enough for an environment nobody watches at night.
    resourceEvaluation: { periodSeconds: 300, evaluationPeriods: 3, datapointsToAlarm: 2 },
  };
  switch (name) {
    case 'local':
      return { ...dev, enabled: false, rollback: false };
    case 'dev':
    case 'sandbox':
      return dev;
    case 'prod':
      return {
        ...dev,
        service: { errorRatePercent: 2, minRequestsPerMinute: 50, p99Ms: 1000, cpuPercent: 80, memoryPercent: 85 },
        resource: {
          loadBalancer5xxCount: 5,
          tableThrottles: 1,
          wafBlockedRequests: 100,
          databaseCpuPercent: 80,
          databaseConnections: 80,
          fileSystemIoLimitPercent: 80,
          fileSystemBurstCreditGiB: 500,
        },
        resourceEvaluation: FAST,
      };
  }
}

/** The environments with CloudWatch; `local` reads none of the alarm variables. */
const WITH_CLOUDWATCH: readonly EnvironmentName[] = ['dev', 'prod', 'sandbox'];
const notLocal = (c: SettingsContext, v: () => VariableDefault): VariableDefault => (c.environment === 'local' ? ignored('local has no CloudWatch') : v());

/** Partial alarm settings, from variables or tests. */
export type AlarmOverrides = Partial<Omit<AlarmSettings, 'service'>> & { readonly service?: ServiceAlarmOverrides };

/** The alarm variables. */
export const ALARM_VARIABLES = {
  CDKTF_ALARMS: variable({
    group: 'alarms',
    description: 'CloudWatch alarms, the notification topic and the dashboards',
    values: 'true, false',
    environments: WITH_CLOUDWATCH,
    parse: text.boolean(),
    apply: (o, enabled) => ({ ...o, enabled }),
    defaultIn: (d, c) => notLocal(c, () => value(d.enabled)),
  }),
  CDKTF_ALARM_ROLLBACK: variable({
    group: 'alarms',
    description: "ECS rolls a deployment back when its service's 5xx-rate or p99 alarm fires",
    values: 'true, false',
    environments: WITH_CLOUDWATCH,
    parse: text.boolean(),
    apply: (o, rollback) => ({ ...o, rollback }),
    defaultIn: (d, c) => notLocal(c, () => value(d.rollback)),
  }),
  CDKTF_ALARM_EMAILS: variable({
    group: 'alarms',
    description: 'email addresses subscribed to the alarm topic (each confirms once)',
    values: 'comma-separated addresses; or none',
    environments: WITH_CLOUDWATCH,
    parse: text.list(),
    apply: (o, emails) => ({ ...o, emails }),
    defaultIn: (d, c) => notLocal(c, () => value(d.emails.length > 0 ? d.emails.join(',') : 'none')),
  }),
  CDKTF_ALARM_HTTPS_ENDPOINTS: variable({
    group: 'alarms',
    description: 'HTTPS endpoints subscribed to the alarm topic (chat webhooks, incident tools)',
    values: 'comma-separated https:// URLs; or none',
    environments: WITH_CLOUDWATCH,
    parse: text.list(),
    apply: (o, httpsEndpoints) => ({ ...o, httpsEndpoints }),
    defaultIn: (d, c) => notLocal(c, () => value(d.httpsEndpoints.length > 0 ? d.httpsEndpoints.join(',') : 'none')),
  }),
  CDKTF_ALARM_ERROR_RATE_PERCENT: variable({
    group: 'alarms',
    description: "5xx rate of a service's target group, in percent, above which it alarms (and rolls back)",
    values: 'a number above 0, at most 100',
    environments: WITH_CLOUDWATCH,
    parse: text.decimal('2'),
    apply: (o, errorRatePercent) => ({ ...o, service: { ...o.service, errorRatePercent } }),
    defaultIn: (d, c) => notLocal(c, () => value(d.service.errorRatePercent)),
  }),
  CDKTF_ALARM_P99_MS: variable({
    group: 'alarms',
    description: "p99 response time of a service's target group, in ms, above which it alarms (and rolls back)",
    values: 'a whole number of milliseconds',
    environments: WITH_CLOUDWATCH,
    parse: text.integer(1000, 1),
    apply: (o, p99Ms) => ({ ...o, service: { ...o.service, p99Ms } }),
    defaultIn: (d, c) => notLocal(c, () => value(d.service.p99Ms)),
  }),
} satisfies GroupVariables<AlarmSettings, AlarmOverrides>;

/** Applies overrides to an environment's alarm settings. */
export function mergeAlarmSettings(defaults: AlarmSettings, overrides: AlarmOverrides = {}): AlarmSettings {
  return { ...defaults, ...overrides, service: { ...defaults.service, ...overrides.service }, resource: { ...defaults.resource, ...overrides.resource } };
}

/** The services file's `alarms` of one service. */
export const SERVICE_ALARMS_SCHEMA = json.object(
  {
    errorRatePercent: json.number(2).optional().describe('5xx rate in percent of requests above which a target group alarms'),
    minRequestsPerMinute: json.number(50).optional().describe('requests per minute below which the 5xx rate counts as 0'),
    p99Ms: json.number(1000).optional().describe('p99 response time in ms'),
    cpuPercent: json.number(80).optional().describe('average CPU in percent'),
    memoryPercent: json.number(85).optional().describe('average memory in percent'),
  },
  "this service's alarm thresholds; unset ones are the environment's (CDKTF_ALARM_*)",
);

/** Every problem with a set of service thresholds; `at` names where they were set. */
export function serviceThresholdProblems(thresholds: ServiceAlarmOverrides, at: string): string[] {
  const problems: string[] = [];
  const percent = (key: 'errorRatePercent' | 'cpuPercent' | 'memoryPercent') => {
    const v = thresholds[key];
    if (v !== undefined && !(v > 0 && v <= 100)) problems.push(`${at}.${key}: ${v} is not a percentage; use a number above 0, at most 100, e.g. 80`);
  };
  percent('errorRatePercent');
  percent('cpuPercent');
  percent('memoryPercent');
  const { minRequestsPerMinute: min, p99Ms } = thresholds;
  if (min !== undefined && !(Number.isInteger(min) && min >= 0)) problems.push(`${at}.minRequestsPerMinute: ${min} is not a whole number of requests; use e.g. 50`);
  if (p99Ms !== undefined && !(p99Ms > 0)) problems.push(`${at}.p99Ms: ${p99Ms} is not a positive number of milliseconds; use e.g. 1000`);
  return problems;
}

/** Every problem with the alarm settings, each naming the setting (and its variable), the bad value and the fix. */
export function alarmProblems(alarms: AlarmSettings, environment: EnvironmentName): string[] {
  const problems = serviceThresholdProblems(alarms.service, 'alarms.service');
  if (environment === 'local' && (alarms.enabled || alarms.rollback)) {
    problems.push('alarms: the local environment has no CloudWatch (the embedded DynamoDB only); leave alarms and rollback off for local');
  }
  if (alarms.rollback && !alarms.enabled) problems.push('CDKTF_ALARM_ROLLBACK: true needs the alarms it rolls back on; set CDKTF_ALARMS=true, or CDKTF_ALARM_ROLLBACK=false');
  for (const email of alarms.emails) {
    if (!/^[^@\s,]+@[^@\s,]+\.[^@\s,]+$/.test(email)) problems.push(`CDKTF_ALARM_EMAILS: "${email}" is not an email address; use e.g. ops@example.com`);
  }
  for (const endpoint of alarms.httpsEndpoints) {
    if (!/^https:\/\/[^\s,]+$/.test(endpoint)) problems.push(`CDKTF_ALARM_HTTPS_ENDPOINTS: "${endpoint}" is not an https:// URL; use e.g. https://hooks.example.com/alarms`);
  }
  for (const [name, e] of [
    ['serviceEvaluation', alarms.serviceEvaluation],
    ['resourceEvaluation', alarms.resourceEvaluation],
  ] as const) {
    if (!(e.periodSeconds >= 60 && e.periodSeconds % 60 === 0)) problems.push(`alarms.${name}.periodSeconds: ${e.periodSeconds} is not a multiple of 60; use 60 or 300`);
    if (!(e.datapointsToAlarm >= 1 && e.datapointsToAlarm <= e.evaluationPeriods)) {
      problems.push(`alarms.${name}.datapointsToAlarm: ${e.datapointsToAlarm} is not between 1 and evaluationPeriods (${e.evaluationPeriods}); use e.g. 3 of 5`);
    }
  }
  return problems;
}
