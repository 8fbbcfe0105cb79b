/**
 * Fault: the embedded DynamoDB fails while 20 connections load the bundled service, twice: killed
 * (SIGKILL, then started again on the same port and data) and hung (SIGSTOP: connections are
 * accepted but never answered, then SIGCONT). The API must answer 503 with a clear body within
 * DYNAMODB_TIMEOUT_MS, `/ready` must fail while `/health` stays up, and the same service process
 * must serve 200s again by itself.
 */
import * as fs from 'node:fs';
import { createSeededTables, seedItems, type SeededTables, serviceEnv } from '../../scripts/lib/seeded-tables';
import { buildServiceBundle, startBundledService, type BundledService } from '../../scripts/lib/service-bundle';
import { startDynamoProcess, type DynamoProcess } from '../support/stress-dynamo';
import { closedLoop, quantile, reportStress, round1, type RequestRecord } from '../support/stress-load';

jest.setTimeout(120_000);

const CONNECTIONS = 20;
/** The service default (docs/service.md): the "request timeout" a 503 must beat. */
const DYNAMODB_TIMEOUT_MS = 2000;
/** Scheduling slack on a shared 2-core machine on top of the timeout. */
const SLACK_MS = 1500;
const WARM_MS = 2000;
const OUTAGE_MS = 5000;
const AFTER_RECOVERY_MS = 2000;
const RECOVERY_LIMIT_MS = 15_000;
const UNAVAILABLE_BODY = JSON.stringify({ error: 'unavailable', detail: 'the database is unavailable; retry later' });

type Mode = 'killed' | 'hung';

/** What one outage looked like from the clients' side; times are performance.now() ms. */
interface Outage {
  readonly records: RequestRecord[];
  readonly probes: { path: string; startedAt: number; endedAt: number; status: number | string }[];
  readonly failedAt: number;
  readonly restoredAt: number;
  /** When dynalite listened (killed) or resumed (hung) again. */
  readonly backAt: number;
  readonly readyAgainAt?: number;
  readonly apiAgainAt?: number;
}

let bundleDir: string;
let dynamo: DynamoProcess;
let tables: SeededTables;
let service: BundledService;
const outages = new Map<Mode, Outage>();
let categoriesAfter: { status: number; ids: string[] };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const isApi = (r: RequestRecord) => r.path.startsWith('/api/');

async function probe(path: string): Promise<Outage['probes'][number]> {
  const startedAt = performance.now();
  const status = await fetch(`${service.url}${path}`, { signal: AbortSignal.timeout(DYNAMODB_TIMEOUT_MS + SLACK_MS) }).then(
    (r) => r.status,
    (err: Error) => err.name,
  );
  return { path, startedAt, endedAt: performance.now(), status };
}

/** Loads the service, breaks DynamoDB in the given way for OUTAGE_MS, restores it and waits for recovery. */
async function outage(mode: Mode): Promise<Outage> {
  const category = String(seedItems(tables, 'Category')[0].id);
  const resource = String(seedItems(tables, 'Resource')[0].id);
  let stopLoad!: () => void;
  const load = closedLoop({
    baseUrl: service.url,
    paths: ['/api/categories', `/api/categories/${category}`, `/api/resources?category=${category}`, `/api/resources/${resource}`, '/api/bookmarks?limit=10'],
    connections: CONNECTIONS,
    durationMs: WARM_MS + OUTAGE_MS + RECOVERY_LIMIT_MS + AFTER_RECOVERY_MS,
    until: new Promise<void>((resolve) => (stopLoad = resolve)),
    requestIdPrefix: mode,
  });
  const probes: Outage['probes'] = [];
  await sleep(WARM_MS);

  const failedAt = performance.now();
  if (mode === 'killed') await dynamo.kill('SIGKILL');
  else dynamo.freeze();
  // Independent loops: a hung /ready takes the whole timeout and must not slow the /health probes.
  const probeUntil = async (path: string): Promise<void> => {
    while (performance.now() - failedAt < OUTAGE_MS) {
      probes.push(await probe(path));
      await sleep(200);
    }
  };
  await Promise.all([probeUntil('/health'), probeUntil('/ready')]);

  const restoredAt = performance.now();
  if (mode === 'killed') await dynamo.restart();
  else dynamo.thaw();
  const backAt = performance.now();
  let readyAgainAt: number | undefined;
  while (performance.now() - backAt < RECOVERY_LIMIT_MS && readyAgainAt === undefined) {
    const p = await probe('/ready');
    probes.push(p);
    if (p.status === 200) readyAgainAt = p.endedAt;
    else await sleep(50);
  }
  await sleep(AFTER_RECOVERY_MS);
  stopLoad();
  const records = await load;
  const apiAgainAt = records
    .filter((r) => isApi(r) && r.startedAt >= backAt && r.status === 200)
    .map((r) => r.endedAt)
    .sort((a, b) => a - b)[0];
  return { records, probes, failedAt, restoredAt, backAt, readyAgainAt, apiAgainAt };
}

beforeAll(async () => {
  // Given the bundled service with its default DynamoDB timeout, on a seeded dynalite process
  [bundleDir, dynamo] = await Promise.all([buildServiceBundle(), startDynamoProcess()]);
  tables = await createSeededTables(dynamo.endpoint, 'stress');
  service = await startBundledService(bundleDir, serviceEnv(dynamo.endpoint, tables.names, { DYNAMODB_TIMEOUT_MS: String(DYNAMODB_TIMEOUT_MS) }));
  // When DynamoDB is killed mid-load and restarted, then hangs mid-load and resumes
  outages.set('killed', await outage('killed'));
  outages.set('hung', await outage('hung'));
  const res = await fetch(`${service.url}/api/categories`);
  categoriesAfter = { status: res.status, ids: ((await res.json()) as { items: { id: string }[] }).items.map((c) => c.id).sort() };
});

afterAll(async () => {
  await service?.stop();
  await dynamo?.dispose();
  if (bundleDir) fs.rmSync(bundleDir, { recursive: true, force: true });
});

describe.each<Mode>(['killed', 'hung'])('DynamoDB %s mid-load, then back', (mode) => {
  const o = () => outages.get(mode)!;

  test('the figures are reported', () => {
    const { records, failedAt, restoredAt, backAt, readyAgainAt, apiAgainAt } = o();
    const unavailable = records.filter((r) => r.status === 503);
    const latencies = unavailable.map((r) => r.endedAt - r.startedAt);
    reportStress(`fault-${mode}`, {
      connections: CONNECTIONS,
      requestTimeoutMs: DYNAMODB_TIMEOUT_MS,
      outageMs: round1(restoredAt - failedAt),
      requests: records.length,
      status200: records.filter((r) => r.status === 200).length,
      status503: unavailable.length,
      otherOutcomes: records.filter((r) => r.status !== 200 && r.status !== 503).length,
      timeToFirst503Ms: round1(Math.min(...unavailable.map((r) => r.endedAt)) - failedAt),
      latency503P50Ms: round1(quantile(latencies, 0.5)),
      latency503P99Ms: round1(quantile(latencies, 0.99)),
      latency503MaxMs: round1(Math.max(...latencies)),
      dynamoBackMs: round1(backAt - restoredAt),
      recoveryReadyMs: readyAgainAt === undefined ? null : round1(readyAgainAt - backAt),
      recoveryApiMs: apiAgainAt === undefined ? null : round1(apiAgainAt - backAt),
    });
    expect(unavailable.length).toBeGreaterThan(0);
  });

  test('the service answers every request: no socket errors or client timeouts', () => {
    expect(
      o()
        .records.filter((r) => r.errorCode !== undefined)
        .map((r) => r.errorCode),
    ).toEqual([]);
  });

  test('every answer is 200 or 503, nothing else', () => {
    expect([...new Set(o().records.map((r) => r.status))].sort()).toEqual([200, 503]);
  });

  test('requests made during the outage answer 503 with Retry-After and a clear body', () => {
    const { records, failedAt, restoredAt } = o();
    const during = records.filter((r) => r.startedAt > failedAt + 100 && r.endedAt < restoredAt);
    expect(during.length).toBeGreaterThan(CONNECTIONS);
    const wrong = during.filter((r) => r.status !== 503 || r.headers['retry-after'] !== '5' || r.body !== UNAVAILABLE_BODY);
    expect(wrong.map((r) => ({ path: r.path, status: r.status, body: r.body }))).toEqual([]);
  });

  test('every 503 arrives within DYNAMODB_TIMEOUT_MS (plus scheduling slack)', () => {
    const slow = o().records.filter((r) => r.status === 503 && r.endedAt - r.startedAt > DYNAMODB_TIMEOUT_MS + SLACK_MS);
    expect(slow.map((r) => round1(r.endedAt - r.startedAt))).toEqual([]);
  });

  test('/health answers 200 throughout the outage', () => {
    const { probes, failedAt, restoredAt } = o();
    const health = probes.filter((p) => p.path === '/health' && p.startedAt > failedAt && p.endedAt < restoredAt);
    expect(health.length).toBeGreaterThan(3);
    expect(health.filter((p) => p.status !== 200)).toEqual([]);
  });

  test('/ready answers 503 throughout the outage', () => {
    const { probes, failedAt, restoredAt } = o();
    const ready = probes.filter((p) => p.path === '/ready' && p.startedAt > failedAt && p.endedAt < restoredAt);
    expect(ready.length).toBeGreaterThanOrEqual(2); // a hung /ready takes DYNAMODB_TIMEOUT_MS each
    expect(ready.filter((p) => p.status !== 503)).toEqual([]);
  });

  test('once DynamoDB is back, /ready and the API answer 200 again', () => {
    const { readyAgainAt, apiAgainAt } = o();
    expect({ ready: readyAgainAt !== undefined, api: apiAgainAt !== undefined }).toEqual({ ready: true, api: true });
  });

  test('after recovery every API request answers 200', () => {
    const { records, apiAgainAt, readyAgainAt } = o();
    const recovered = Math.max(apiAgainAt ?? Infinity, readyAgainAt ?? Infinity);
    const settled = records.filter((r) => isApi(r) && r.startedAt > recovered);
    expect(settled.length).toBeGreaterThan(CONNECTIONS);
    expect(settled.filter((r) => r.status !== 200).map((r) => r.status)).toEqual([]);
  });
});

describe('after both outages', () => {
  test('no 503 body leaks a stack trace or an SDK message', () => {
    const all = [...outages.values()].flatMap((x) => x.records);
    expect(all.filter((r) => r.status === 503 && /ECONN|\bat .*\.js|Error:|node_modules/.test(r.body))).toEqual([]);
  });

  test('the same service process recovered by itself: never restarted', () => {
    expect([service.child.exitCode, service.child.signalCode]).toEqual([null, null]);
    expect(
      service
        .stdout()
        .split('\n')
        .filter((l) => l.includes('"msg":"listening"')),
    ).toHaveLength(1);
  });

  test('the restarted DynamoDB serves the same data', () => {
    expect(categoriesAfter).toEqual({
      status: 200,
      ids: seedItems(tables, 'Category')
        .map((c) => String(c.id))
        .sort(),
    });
  });
});
