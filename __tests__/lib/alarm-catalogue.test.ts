import {
  type AlarmDefinition,
  billedMetrics,
  dashboardBody,
  databaseAlarms,
  fileSystemAlarms,
  rollbackAlarmNames,
  serviceAlarms,
  tableAlarms,
  type WatchedService,
} from '../../stacks/lib/alarm-catalogue';
import { alarmDefaults } from '../../stacks/settings/alarms';

const prod = alarmDefaults('prod');
const service = (overrides: Partial<WatchedService> = {}): WatchedService => ({
  serviceName: 'shop-prod-order',
  clusterName: 'shop-prod-service',
  targets: [
    { label: 'external', loadBalancerArnSuffix: 'app/ext/1', targetGroupArnSuffix: 'targetgroup/ext/1' },
    { label: 'internal', loadBalancerArnSuffix: 'app/int/2', targetGroupArnSuffix: 'targetgroup/int/2' },
  ],
  containerInsights: true,
  thresholds: prod.service,
  evaluation: prod.serviceEvaluation,
  ...overrides,
});
const byKey = (alarms: readonly AlarmDefinition[], key: string) => alarms.find((a) => a.key === key) as AlarmDefinition;

describe('service alarms', () => {
  it('rolls back on the 5xx rate and p99 of each of its target groups, and on nothing else', () => {
    expect(rollbackAlarmNames(serviceAlarms(service()))).toEqual([
      'shop-prod-order-external-5xx-rate',
      'shop-prod-order-external-p99',
      'shop-prod-order-internal-5xx-rate',
      'shop-prod-order-internal-p99',
    ]);
  });

  it('counts the 5xx rate as 0 below the minimum requests of one period', () => {
    const fiveMinutes = serviceAlarms(service({ evaluation: { periodSeconds: 300, evaluationPeriods: 3, datapointsToAlarm: 2 } }));
    expect(byKey(fiveMinutes.alarms, 'external-5xx-rate').expression).toBe(`IF(requests >= ${5 * prod.service.minRequestsPerMinute}, 100 * FILL(errors, 0) / requests, 0)`);
  });

  it('compares p99 in seconds, the unit of TargetResponseTime', () => {
    expect(byKey(serviceAlarms(service({ thresholds: { ...prod.service, p99Ms: 750 } })).alarms, 'internal-p99').threshold).toBe(0.75);
  });

  it('watches each target group by its own dimensions', () => {
    const alarm = byKey(serviceAlarms(service()).alarms, 'internal-unhealthy');
    expect(alarm.metrics[0].dimensions).toEqual({ LoadBalancer: 'app/int/2', TargetGroup: 'targetgroup/int/2' });
  });

  it('leaves out the running-tasks alarm when the cluster has no Container Insights', () => {
    expect(serviceAlarms(service()).alarms.map((a) => a.key)).toContain('tasks-below-desired');
    expect(serviceAlarms(service({ containerInsights: false })).alarms.map((a) => a.key)).not.toContain('tasks-below-desired');
  });

  it('gives every alarm a unique name prefixed with the service', () => {
    const names = serviceAlarms(service()).alarms.map((a) => a.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names.filter((n) => !n.startsWith('shop-prod-order-'))).toEqual([]);
  });
});

describe('resource alarms', () => {
  it('sums the throttled reads and writes of a table, and its system errors over the read operations', () => {
    const { alarms } = tableAlarms('shop-prod-category', prod.resource, prod.resourceEvaluation);
    expect(byKey(alarms, 'throttles')).toMatchObject({ expression: 'FILL(reads, 0) + FILL(writes, 0)', threshold: prod.resource.tableThrottles });
    expect(byKey(alarms, 'system-errors').metrics.map((m) => m.dimensions.Operation)).toEqual(['GetItem', 'Query', 'Scan']);
  });

  it('alarms on burst credits only for a bursting file system', () => {
    const keys = (throughputMode: 'bursting' | 'elastic') =>
      fileSystemAlarms({ name: 'wp', fileSystemId: 'fs-1', throughputMode }, prod.resource, prod.resourceEvaluation).alarms.map((a) => a.key);
    expect([keys('bursting'), keys('elastic')]).toEqual([['io-limit', 'burst-credits'], ['io-limit']]);
  });

  it('fires when the database reaches its maximum capacity', () => {
    const { alarms } = databaseAlarms({ name: 'wp', clusterIdentifier: 'wp-db', maxCapacityAcu: 8 }, prod.resource, prod.resourceEvaluation);
    expect(byKey(alarms, 'max-capacity')).toMatchObject({ name: 'wp-db-max-capacity', comparison: 'GreaterThanOrEqualToThreshold', threshold: 8 });
  });
});

describe('billing and the dashboard', () => {
  it('bills a metric-math alarm for each metric it reads', () => {
    const { alarms } = serviceAlarms(service());
    expect(alarms.map((a) => [a.key, billedMetrics(a)]).filter(([, n]) => n !== 1)).toEqual([
      ['external-5xx-rate', 2],
      ['internal-5xx-rate', 2],
      ['tasks-below-desired', 2],
    ]);
  });

  it("draws a heading per watched thing and a graph per alarm, with the alarm's threshold as a line", () => {
    const watched = serviceAlarms(service());
    const { widgets } = dashboardBody('eu-west-1', [watched]);
    expect(widgets.filter((w) => w.type === 'text')).toHaveLength(1);
    const graphs = widgets.filter((w) => w.type === 'metric') as { properties: { title: string; annotations?: { horizontal: { value: number }[] } } }[];
    for (const alarm of watched.alarms) {
      const graph = graphs.find((g) => g.properties.title === alarm.name);
      expect(graph?.properties.annotations?.horizontal[0].value).toBe(alarm.threshold);
    }
  });

  it('draws a metric-math graph from its expression, its input metrics hidden', () => {
    const { widgets } = dashboardBody('eu-west-1', [tableAlarms('t', prod.resource, prod.resourceEvaluation)]);
    const throttles = widgets.find((w) => (w.properties as { title?: string }).title === 't-throttles') as { properties: { metrics: unknown[][] } };
    expect(throttles.properties.metrics[0]).toEqual([{ id: 'e1', expression: 'FILL(reads, 0) + FILL(writes, 0)', label: expect.any(String) }]);
    expect(throttles.properties.metrics.slice(1).map((m) => m[m.length - 1])).toEqual([expect.objectContaining({ visible: false }), expect.objectContaining({ visible: false })]);
  });
});
