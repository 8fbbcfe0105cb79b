/**
 * Every CloudWatch alarm of the app as pure data: what a service, load balancer, table, web ACL,
 * database or file system is watched for, with which metric, threshold and missing-data handling.
 * The alarms, their rollback list and the dashboards are all drawn from these definitions, so a
 * graph always shows what its alarm watches.
 */

/** How many periods an alarm looks at and how many of them must breach. */
export interface AlarmEvaluation {
  /** Seconds per datapoint: 60, or a multiple of 60. */
  readonly periodSeconds: number;
  /** Periods evaluated. */
  readonly evaluationPeriods: number;
  /** Breaching periods among them that fire the alarm (`M of N`). */
  readonly datapointsToAlarm: number;
}

/** Thresholds of the alarms of one service; a service in the services file may override each (`alarms`). */
export interface ServiceAlarmThresholds {
  /** 5xx answers of the targets, in percent of the requests, above which a target group alarms. */
  readonly errorRatePercent: number;
  /** Below this many requests per minute the 5xx rate counts as 0: three requests at night page nobody. */
  readonly minRequestsPerMinute: number;
  /** p99 of the targets' response time, in milliseconds. */
  readonly p99Ms: number;
  /** Average CPU of the service's tasks, in percent of their reservation. */
  readonly cpuPercent: number;
  /** Average memory of the service's tasks, in percent of their reservation. */
  readonly memoryPercent: number;
}

/** Thresholds of the alarms of what the services use: load balancers, tables, WAF, WordPress's database and files. */
export interface ResourceAlarmThresholds {
  /** 5xx answers the load balancer itself gives (no healthy target, timeouts) per period. */
  readonly loadBalancer5xxCount: number;
  /** Read and write throttle events of a table per period. */
  readonly tableThrottles: number;
  /** Requests a web ACL blocks per period; a sudden wave is an attack or a rule gone wrong. */
  readonly wafBlockedRequests: number;
  /** Aurora CPU, in percent. */
  readonly databaseCpuPercent: number;
  /** Aurora connections. */
  readonly databaseConnections: number;
  /** EFS I/O, in percent of the General Purpose mode's limit. */
  readonly fileSystemIoLimitPercent: number;
  /** EFS burst credits, in GiB, below which a bursting file system is about to be throttled. */
  readonly fileSystemBurstCreditGiB: number;
}

/**
 * What an alarm does while its metric has no data. Never left to CloudWatch's default: each
 * definition below says why its choice fits the way its metric is published.
 */
export type TreatMissingData = 'missing' | 'ignore' | 'breaching' | 'notBreaching';

/** How a value is compared with the threshold. */
export type Comparison = 'GreaterThanThreshold' | 'GreaterThanOrEqualToThreshold' | 'LessThanThreshold';

/** One CloudWatch metric with its statistic. */
export interface MetricSpec {
  /** Id in a metric-math expression: lower-case letter first. */
  readonly id: string;
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: Readonly<Record<string, string>>;
  /** `Sum`, `Average`, `Maximum`, `Minimum` or a percentile such as `p99`. */
  readonly stat: string;
  readonly label: string;
}

/** One alarm, as data. */
export interface AlarmDefinition {
  /** Stable construct id below its owner's alarms, e.g. `external-5xx-rate`. */
  readonly key: string;
  /** Physical alarm name, unique in the account and region. */
  readonly name: string;
  readonly description: string;
  /** The metric, or the metrics the expression combines. */
  readonly metrics: readonly MetricSpec[];
  /** Metric math over `metrics` (ids as above); unset: the one metric alone. */
  readonly expression?: string;
  readonly comparison: Comparison;
  readonly threshold: number;
  readonly evaluation: AlarmEvaluation;
  readonly treatMissingData: TreatMissingData;
  /** A deployment that makes it fire is rolled back (the service's 5xx rate and p99 only). */
  readonly rollback: boolean;
}

/** A graph of the dashboard: metrics, an optional expression, and the threshold of the alarm it shows. */
export interface GraphDefinition {
  readonly title: string;
  readonly metrics: readonly MetricSpec[];
  readonly expression?: { readonly id: string; readonly expression: string; readonly label: string };
  /** Drawn as a horizontal line: the threshold of the alarm on the same metrics. */
  readonly threshold?: number;
}

/** Something watched: its alarms and the graphs a dashboard shows of it. */
export interface Watched {
  /** The dashboard row's heading, e.g. `Service bookmarks-dev-app`. */
  readonly title: string;
  readonly alarms: readonly AlarmDefinition[];
  readonly graphs: readonly GraphDefinition[];
}

/** The load balancer side of one target group a service registers with. */
export interface WatchedTarget {
  /** `external` or `internal`: names the alarms of the group. */
  readonly label: string;
  /** The load balancer's `LoadBalancer` dimension (`app/<name>/<id>`). */
  readonly loadBalancerArnSuffix: string;
  /** The group's `TargetGroup` dimension (`targetgroup/<name>/<id>`). */
  readonly targetGroupArnSuffix: string;
}

/** What the service alarms need to know of a service. */
export interface WatchedService {
  /** The ECS service's name (`ServiceName` dimension), which also prefixes its alarms. */
  readonly serviceName: string;
  readonly clusterName: string;
  readonly targets: readonly WatchedTarget[];
  /** The cluster publishes Container Insights metrics (running and desired task counts). */
  readonly containerInsights: boolean;
  readonly thresholds: ServiceAlarmThresholds;
  readonly evaluation: AlarmEvaluation;
}

const ELB = 'AWS/ApplicationELB';
const ECS = 'AWS/ECS';
const INSIGHTS = 'ECS/ContainerInsights';

/** A graph of each alarm, its threshold drawn. */
function graphsOf(alarms: readonly AlarmDefinition[]): GraphDefinition[] {
  return alarms.map((a) => ({
    title: a.name,
    metrics: a.metrics,
    ...(a.expression ? { expression: { id: 'e1', expression: a.expression, label: a.description } } : {}),
    threshold: a.threshold,
  }));
}

/**
 * The alarms of one service: per target group its 5xx rate (rolls back), p99 (rolls back) and
 * unhealthy targets; for the service its running tasks (with Container Insights), CPU and memory.
 */
export function serviceAlarms(service: WatchedService): Watched {
  const { serviceName, clusterName, thresholds: t, evaluation } = service;
  const alarms: AlarmDefinition[] = [];
  const extra: GraphDefinition[] = [];
  const minPerPeriod = Math.ceil((t.minRequestsPerMinute * evaluation.periodSeconds) / 60);
  for (const target of service.targets) {
    const dimensions = { LoadBalancer: target.loadBalancerArnSuffix, TargetGroup: target.targetGroupArnSuffix };
    const metric = (id: string, metricName: string, stat: string, label: string): MetricSpec => ({ id, namespace: ELB, metricName, dimensions, stat, label });
    const requests = metric('requests', 'RequestCount', 'Sum', 'requests');
    const prefix = `${serviceName}-${target.label}`;
    alarms.push(
      {
        key: `${target.label}-5xx-rate`,
        name: `${prefix}-5xx-rate`,
        description: `${serviceName} (${target.label}): targets answer 5xx to more than ${t.errorRatePercent}% of requests (with at least ${t.minRequestsPerMinute} requests a minute)`,
        metrics: [metric('errors', 'HTTPCode_Target_5XX_Count', 'Sum', '5xx'), requests],
        // Quiet hours with a handful of requests count as 0 %: one failed request out of three pages nobody.
        expression: `IF(requests >= ${minPerPeriod}, 100 * FILL(errors, 0) / requests, 0)`,
        comparison: 'GreaterThanThreshold',
        threshold: t.errorRatePercent,
        evaluation,
        // No requests, no errors: the count metrics are published only when requests arrive.
        treatMissingData: 'notBreaching',
        rollback: true,
      },
      {
        key: `${target.label}-p99`,
        name: `${prefix}-p99`,
        description: `${serviceName} (${target.label}): p99 response time of the targets above ${t.p99Ms} ms`,
        // TargetResponseTime is in seconds.
        metrics: [metric('p99', 'TargetResponseTime', 'p99', 'p99 (s)')],
        comparison: 'GreaterThanThreshold',
        threshold: t.p99Ms / 1000,
        evaluation,
        // Response times exist only for requests; a quiet minute is not a slow one.
        treatMissingData: 'notBreaching',
        rollback: true,
      },
      {
        key: `${target.label}-unhealthy`,
        name: `${prefix}-unhealthy`,
        description: `${serviceName} (${target.label}): at least one target fails its health check`,
        metrics: [metric('unhealthy', 'UnHealthyHostCount', 'Maximum', 'unhealthy targets')],
        comparison: 'GreaterThanOrEqualToThreshold',
        threshold: 1,
        evaluation,
        // Published every minute while the group serves a load balancer; a gap says nothing about the targets, so the state stays.
        treatMissingData: 'missing',
        rollback: false,
      },
    );
    extra.push(
      { title: `${prefix} requests and 5xx`, metrics: [requests, metric('errors', 'HTTPCode_Target_5XX_Count', 'Sum', '5xx')] },
      {
        title: `${prefix} response time p50 / p99 (s)`,
        metrics: [metric('p50', 'TargetResponseTime', 'p50', 'p50'), metric('p99', 'TargetResponseTime', 'p99', 'p99')],
        threshold: t.p99Ms / 1000,
      },
    );
  }
  const serviceDimensions = { ClusterName: clusterName, ServiceName: serviceName };
  if (service.containerInsights) {
    alarms.push({
      key: 'tasks-below-desired',
      name: `${serviceName}-tasks-below-desired`,
      description: `${serviceName}: fewer tasks run than desired`,
      metrics: [
        { id: 'desired', namespace: INSIGHTS, metricName: 'DesiredTaskCount', dimensions: serviceDimensions, stat: 'Maximum', label: 'desired' },
        { id: 'running', namespace: INSIGHTS, metricName: 'RunningTaskCount', dimensions: serviceDimensions, stat: 'Minimum', label: 'running' },
      ],
      expression: 'desired - running',
      comparison: 'GreaterThanOrEqualToThreshold',
      threshold: 1,
      evaluation,
      // Container Insights reports every minute while the service exists: silence means the service or its metrics are gone.
      treatMissingData: 'breaching',
      rollback: false,
    });
  }
  for (const [key, metricName, threshold] of [
    ['cpu', 'CPUUtilization', t.cpuPercent],
    ['memory', 'MemoryUtilization', t.memoryPercent],
  ] as const) {
    alarms.push({
      key,
      name: `${serviceName}-${key}`,
      description: `${serviceName}: average ${key} of the tasks above ${threshold}% of their reservation`,
      metrics: [{ id: key, namespace: ECS, metricName, dimensions: serviceDimensions, stat: 'Average', label: `${key} %` }],
      comparison: 'GreaterThanThreshold',
      threshold,
      evaluation,
      // No running task, no utilization: tasks-below-desired and the circuit breaker speak for that case.
      treatMissingData: 'notBreaching',
      rollback: false,
    });
  }
  return { title: `Service ${serviceName}`, alarms, graphs: [...extra, ...graphsOf(alarms)] };
}

/** The 5xx answers a load balancer gives itself (no healthy target, a timeout). */
export function loadBalancerAlarms(lb: { readonly name: string; readonly arnSuffix: string }, t: ResourceAlarmThresholds, evaluation: AlarmEvaluation): Watched {
  const dimensions = { LoadBalancer: lb.arnSuffix };
  const alarms: AlarmDefinition[] = [
    {
      key: 'elb-5xx',
      name: `${lb.name}-elb-5xx`,
      description: `${lb.name}: the load balancer itself answers 5xx more than ${t.loadBalancer5xxCount} times a period`,
      metrics: [{ id: 'elb5xx', namespace: ELB, metricName: 'HTTPCode_ELB_5XX_Count', dimensions, stat: 'Sum', label: 'ELB 5xx' }],
      comparison: 'GreaterThanThreshold',
      threshold: t.loadBalancer5xxCount,
      evaluation,
      // The count is published only when there is one.
      treatMissingData: 'notBreaching',
      rollback: false,
    },
  ];
  const requests: GraphDefinition = {
    title: `${lb.name} requests`,
    metrics: [{ id: 'requests', namespace: ELB, metricName: 'RequestCount', dimensions, stat: 'Sum', label: 'requests' }],
  };
  return { title: `Load balancer ${lb.name}`, alarms, graphs: [requests, ...graphsOf(alarms)] };
}

/** DynamoDB operations whose system errors the service's users meet: the catalog API's reads. */
export const WATCHED_TABLE_OPERATIONS = ['GetItem', 'Query', 'Scan'] as const;

/** Throttled reads and writes, and DynamoDB's own errors, of one table. */
export function tableAlarms(tableName: string, t: ResourceAlarmThresholds, evaluation: AlarmEvaluation): Watched {
  const dimensions = { TableName: tableName };
  const metric = (id: string, metricName: string, stat: string, extra: Record<string, string> = {}): MetricSpec => ({
    id,
    namespace: 'AWS/DynamoDB',
    metricName,
    dimensions: { ...dimensions, ...extra },
    stat,
    label: `${metricName}${extra.Operation ? ` ${extra.Operation}` : ''}`,
  });
  const errors = WATCHED_TABLE_OPERATIONS.map((op) => metric(`errors${op.toLowerCase()}`, 'SystemErrors', 'Sum', { Operation: op }));
  const alarms: AlarmDefinition[] = [
    {
      key: 'throttles',
      name: `${tableName}-throttles`,
      description: `${tableName}: more than ${t.tableThrottles} throttled reads and writes a period`,
      metrics: [metric('reads', 'ReadThrottleEvents', 'Sum'), metric('writes', 'WriteThrottleEvents', 'Sum')],
      expression: 'FILL(reads, 0) + FILL(writes, 0)',
      comparison: 'GreaterThanThreshold',
      threshold: t.tableThrottles,
      evaluation,
      // Throttle events are published only when they happen.
      treatMissingData: 'notBreaching',
      rollback: false,
    },
    {
      key: 'system-errors',
      name: `${tableName}-system-errors`,
      description: `${tableName}: DynamoDB fails ${WATCHED_TABLE_OPERATIONS.join(', ')} requests with 5xx`,
      metrics: errors,
      expression: errors.map((m) => `FILL(${m.id}, 0)`).join(' + '),
      comparison: 'GreaterThanOrEqualToThreshold',
      threshold: 1,
      evaluation,
      // Published only when an error happens.
      treatMissingData: 'notBreaching',
      rollback: false,
    },
  ];
  const capacity: GraphDefinition = {
    title: `${tableName} consumed capacity`,
    metrics: [metric('rcu', 'ConsumedReadCapacityUnits', 'Sum'), metric('wcu', 'ConsumedWriteCapacityUnits', 'Sum')],
  };
  return { title: `Table ${tableName}`, alarms, graphs: [capacity, ...graphsOf(alarms)] };
}

/** Requests a web ACL blocks: a wave is an attack, or a rule that blocks real users. */
export function webAclAlarms(acl: { readonly metricName: string; readonly region: string }, t: ResourceAlarmThresholds, evaluation: AlarmEvaluation): Watched {
  const dimensions = { WebACL: acl.metricName, Region: acl.region, Rule: 'ALL' };
  const metric = (id: string, metricName: string): MetricSpec => ({ id, namespace: 'AWS/WAFV2', metricName, dimensions, stat: 'Sum', label: metricName });
  const alarms: AlarmDefinition[] = [
    {
      key: 'blocked',
      name: `${acl.metricName}-blocked`,
      description: `${acl.metricName}: the web ACL blocks more than ${t.wafBlockedRequests} requests a period`,
      metrics: [metric('blocked', 'BlockedRequests')],
      comparison: 'GreaterThanThreshold',
      threshold: t.wafBlockedRequests,
      evaluation,
      // Published only for requests the ACL saw; none blocked is no data.
      treatMissingData: 'notBreaching',
      rollback: false,
    },
  ];
  return {
    title: `Web ACL ${acl.metricName}`,
    alarms,
    graphs: [{ title: `${acl.metricName} allowed and blocked`, metrics: [metric('allowed', 'AllowedRequests'), metric('blocked', 'BlockedRequests')] }, ...graphsOf(alarms)],
  };
}

/** An Aurora Serverless v2 cluster: at its maximum capacity, CPU, connections. */
export function databaseAlarms(
  db: { readonly name: string; readonly clusterIdentifier: string; readonly maxCapacityAcu: number },
  t: ResourceAlarmThresholds,
  evaluation: AlarmEvaluation,
): Watched {
  const dimensions = { DBClusterIdentifier: db.clusterIdentifier };
  const metric = (id: string, metricName: string, stat: string): MetricSpec => ({ id, namespace: 'AWS/RDS', metricName, dimensions, stat, label: metricName });
  const id = `${db.name}-db`;
  const alarms: AlarmDefinition[] = [
    {
      key: 'max-capacity',
      name: `${id}-max-capacity`,
      description: `${id}: the database runs at its maximum of ${db.maxCapacityAcu} ACU and cannot grow`,
      metrics: [metric('acu', 'ServerlessDatabaseCapacity', 'Maximum')],
      comparison: 'GreaterThanOrEqualToThreshold',
      threshold: db.maxCapacityAcu,
      evaluation,
      // A paused cluster publishes nothing, and a paused cluster is not at its maximum.
      treatMissingData: 'notBreaching',
      rollback: false,
    },
    {
      key: 'cpu',
      name: `${id}-cpu`,
      description: `${id}: database CPU above ${t.databaseCpuPercent}%`,
      metrics: [metric('cpu', 'CPUUtilization', 'Average')],
      comparison: 'GreaterThanThreshold',
      threshold: t.databaseCpuPercent,
      evaluation,
      // Paused: no CPU used.
      treatMissingData: 'notBreaching',
      rollback: false,
    },
    {
      key: 'connections',
      name: `${id}-connections`,
      description: `${id}: more than ${t.databaseConnections} database connections`,
      metrics: [metric('connections', 'DatabaseConnections', 'Maximum')],
      comparison: 'GreaterThanThreshold',
      threshold: t.databaseConnections,
      evaluation,
      // Paused: no connections.
      treatMissingData: 'notBreaching',
      rollback: false,
    },
  ];
  return { title: `Database ${id}`, alarms, graphs: graphsOf(alarms) };
}

/**
 * An EFS file system (General Purpose mode): its I/O limit, and with bursting throughput its
 * burst credits (elastic throughput has none to run out of).
 */
export function fileSystemAlarms(
  fs: { readonly name: string; readonly fileSystemId: string; readonly throughputMode: 'bursting' | 'elastic' },
  t: ResourceAlarmThresholds,
  evaluation: AlarmEvaluation,
): Watched {
  const dimensions = { FileSystemId: fs.fileSystemId };
  const metric = (id: string, metricName: string, stat: string, label = metricName): MetricSpec => ({ id, namespace: 'AWS/EFS', metricName, dimensions, stat, label });
  const alarms: AlarmDefinition[] = [
    {
      key: 'io-limit',
      name: `${fs.name}-efs-io-limit`,
      description: `${fs.name}: file system I/O above ${t.fileSystemIoLimitPercent}% of the General Purpose limit`,
      metrics: [metric('io', 'PercentIOLimit', 'Maximum')],
      comparison: 'GreaterThanThreshold',
      threshold: t.fileSystemIoLimitPercent,
      evaluation,
      // Published only while there is I/O.
      treatMissingData: 'notBreaching',
      rollback: false,
    },
  ];
  if (fs.throughputMode === 'bursting') {
    alarms.push({
      key: 'burst-credits',
      name: `${fs.name}-efs-burst-credits`,
      description: `${fs.name}: fewer than ${t.fileSystemBurstCreditGiB} GiB of burst credits left; then throughput drops to the baseline`,
      metrics: [metric('credits', 'BurstCreditBalance', 'Minimum', 'burst credits (bytes)')],
      comparison: 'LessThanThreshold',
      threshold: t.fileSystemBurstCreditGiB * 2 ** 30,
      evaluation,
      // Published every minute; a gap says nothing about the balance, so the state stays.
      treatMissingData: 'missing',
      rollback: false,
    });
  }
  return { title: `File system ${fs.name}`, alarms, graphs: graphsOf(alarms) };
}

/** The alarm names of a service's rollback list: its 5xx-rate and p99 alarms. */
export function rollbackAlarmNames(watched: Watched): string[] {
  return watched.alarms.filter((a) => a.rollback).map((a) => a.name);
}

/** How many metrics CloudWatch bills an alarm for: each metric of a metric-math alarm counts. */
export function billedMetrics(alarm: AlarmDefinition): number {
  return alarm.metrics.length;
}

/**
 * A CloudWatch dashboard body: per watched thing a text heading and its graphs, two to a row.
 * Metric and expression ids are made unique per graph; the threshold is a horizontal annotation.
 */
export function dashboardBody(region: string, watched: readonly Watched[]): { widgets: Record<string, unknown>[] } {
  const widgets: Record<string, unknown>[] = [];
  let y = 0;
  for (const item of watched) {
    widgets.push({ type: 'text', x: 0, y, width: 24, height: 1, properties: { markdown: `## ${item.title}` } });
    y += 1;
    item.graphs.forEach((graph, i) => {
      const metrics: unknown[] = graph.metrics.map((m) => [
        m.namespace,
        m.metricName,
        ...Object.entries(m.dimensions).flat(),
        { id: m.id, stat: m.stat, label: m.label, ...(graph.expression ? { visible: false } : {}) },
      ]);
      if (graph.expression) metrics.unshift([{ id: graph.expression.id, expression: graph.expression.expression, label: graph.expression.label }]);
      widgets.push({
        type: 'metric',
        x: (i % 2) * 12,
        y: y + Math.floor(i / 2) * 6,
        width: 12,
        height: 6,
        properties: {
          title: graph.title,
          region,
          view: 'timeSeries',
          stacked: false,
          period: 60,
          metrics,
          ...(graph.threshold !== undefined ? { annotations: { horizontal: [{ label: 'alarm', value: graph.threshold }] } } : {}),
        },
      });
    });
    y += Math.ceil(item.graphs.length / 2) * 6;
  }
  return { widgets };
}
