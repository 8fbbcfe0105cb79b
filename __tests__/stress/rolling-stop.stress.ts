/**
 * Rolling stop: SIGTERM while 50 connections load the bundled service, with DynamoDB slowed to
 * 1 s per call so dozens of requests are mid-flight. A shorter delay made the count depend on how
 * fast a loaded machine's client sends: at 200 ms a busy CI machine had only 19 in flight. Every request the service had accepted must
 * complete with 200, the process must exit 0 before SHUTDOWN_TIMEOUT_MS, and requests arriving after
 * SIGTERM must be refused at the socket, never half-answered or answered with an error.
 */
import * as fs from 'node:fs';
import { createSeededTables, seedItems, type SeededTables, serviceEnv } from '../../scripts/lib/seeded-tables';
import { buildServiceBundle, startBundledService, type BundledService } from '../../scripts/lib/service-bundle';
import { startSlowProxy, type SlowProxy } from '../support/service-slow-proxy';
import { startDynamoProcess, type DynamoProcess } from '../support/stress-dynamo';
import { closedLoop, reportStress, round1, type RequestRecord } from '../support/stress-load';

jest.setTimeout(90_000);

const CONNECTIONS = 50;
/** The service default, set explicitly: below the ECS stopTimeout of 30 s. */
const SHUTDOWN_TIMEOUT_MS = 20_000;
const DYNAMODB_DELAY_MS = 1000;
const WARM_MS = 2000;

/** One access-log line of the service (written when the response ends). */
interface AccessLog {
  readonly requestId: string;
  readonly status: number;
  readonly aborted: boolean;
  /** ISO time the response ended. */
  readonly time: string;
  readonly durationMs: number;
}

let bundleDir: string;
let dynamo: DynamoProcess;
let proxy: SlowProxy;
let tables: SeededTables;
let service: BundledService;
let records: RequestRecord[];
let sigtermAt: number;
let exitedAt: number;
let exitCode: number | null;
let served: Map<string, AccessLog>;
let stoppedLine: { drained?: boolean } | undefined;
/** The service's own log line when it began to drain: its clock, and its count of pending responses. */
let shutdownLine: { time: string; inFlight: number } | undefined;

beforeAll(async () => {
  // Given the bundled service under 50 connections, its DynamoDB answering in 1 s
  [bundleDir, dynamo] = await Promise.all([buildServiceBundle(), startDynamoProcess()]);
  tables = await createSeededTables(dynamo.endpoint, 'stress');
  proxy = await startSlowProxy(dynamo.endpoint, DYNAMODB_DELAY_MS);
  service = await startBundledService(bundleDir, serviceEnv(proxy.endpoint, tables.names, { SHUTDOWN_TIMEOUT_MS: String(SHUTDOWN_TIMEOUT_MS) }));
  const category = String(seedItems(tables, 'Category')[0].id);
  const resource = String(seedItems(tables, 'Resource')[0].id);
  const exited = service.exited.then((code) => {
    exitedAt = performance.now();
    exitCode = code;
  });
  const load = closedLoop({
    baseUrl: service.url,
    paths: ['/api/categories', `/api/categories/${category}`, `/api/resources?category=${category}`, `/api/resources/${resource}`, '/api/bookmarks', '/health'],
    connections: CONNECTIONS,
    durationMs: WARM_MS + SHUTDOWN_TIMEOUT_MS + 5000,
    until: exited,
    stopWorkerOnSocketError: true,
    requestIdPrefix: 'rolling',
  });
  await new Promise((r) => setTimeout(r, WARM_MS));
  // When SIGTERM arrives mid-load
  sigtermAt = performance.now();
  service.child.kill('SIGTERM');
  records = await load;
  await exited;
  const lines = service
    .stdout()
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  served = new Map(lines.filter((l) => l.msg === 'request' || l.msg === 'request failed').map((l) => [String(l.requestId), l as unknown as AccessLog]));
  stoppedLine = lines.find((l) => l.msg === 'stopped') as { drained?: boolean } | undefined;
  shutdownLine = lines.find((l) => String(l.msg).startsWith('shutting down')) as typeof shutdownLine;
});

afterAll(async () => {
  await service?.stop();
  await proxy?.stop();
  await dynamo?.dispose();
  if (bundleDir) fs.rmSync(bundleDir, { recursive: true, force: true });
});

/**
 * Requests in flight when the service began to drain, by its own log clock: started before, ended
 * after (1 ms apart, the log's resolution). The client's clock cannot tell: SIGTERM is handled a few
 * milliseconds after it is sent, and responses written meanwhile are still ordinary keep-alive ones.
 */
const inFlight = (): RequestRecord[] => {
  const drainAt = Date.parse(shutdownLine!.time);
  const ids = new Set([...served.values()].filter((l) => Date.parse(l.time) - l.durationMs < drainAt && Date.parse(l.time) > drainAt + 1).map((l) => l.requestId));
  return records.filter((r) => ids.has(r.requestId));
};
/** Requests sent on a keep-alive socket that the service closed as idle before reading them. */
const unread = () => records.filter((r) => r.errorCode !== undefined && r.startedAt < sigtermAt && !served.has(r.requestId));
const afterSigterm = () => records.filter((r) => r.startedAt >= sigtermAt);
const countBy = (keys: string[]) => keys.reduce<Record<string, number>>((acc, k) => ({ ...acc, [k]: (acc[k] ?? 0) + 1 }), {});

describe('SIGTERM under load', () => {
  test('the figures are reported', () => {
    reportStress('rolling-stop', {
      connections: CONNECTIONS,
      dynamoDbDelayMs: DYNAMODB_DELAY_MS,
      requests: records.length,
      servedBeforeSigterm: records.filter((r) => r.endedAt <= sigtermAt && r.status === 200).length,
      inFlightAtSigterm: inFlight().length,
      inFlightByServerCount: shutdownLine?.inFlight,
      inFlightFailed: inFlight().filter((r) => r.status !== 200).length,
      unreadOnIdleKeepAlive: unread().length,
      sentAfterSigterm: afterSigterm().length,
      afterSigtermOutcomes: countBy(afterSigterm().map((r) => r.errorCode ?? String(r.status))),
      exitCode,
      exitAfterSigtermMs: round1(exitedAt - sigtermAt),
      deadlineMs: SHUTDOWN_TIMEOUT_MS,
    });
    expect(records.length).toBeGreaterThan(0);
  });

  test('dozens of requests were in flight when SIGTERM arrived', () => {
    expect(inFlight().length).toBeGreaterThanOrEqual(CONNECTIONS / 2);
  });

  test('every in-flight request completes with 200 and a full JSON body, marked Connection: close', () => {
    const bad = inFlight().filter((r) => r.status !== 200 || !r.body.endsWith('}') || r.headers.connection !== 'close');
    expect(bad.map((r) => ({ path: r.path, status: r.status, error: r.errorCode, connection: r.headers.connection }))).toEqual([]);
  });

  test('every request the service accepted was answered 200 and none was aborted', () => {
    const bad = [...served.values()].filter((l) => l.requestId.startsWith('rolling-') && (l.status !== 200 || l.aborted));
    expect(bad).toEqual([]);
  });

  test('every request answered before SIGTERM is 200', () => {
    expect(records.filter((r) => r.endedAt <= sigtermAt && r.status !== 200).map((r) => r.status ?? r.errorCode)).toEqual([]);
  });

  test('requests the service never read fail at the socket, never with a status or a partial body', () => {
    const late = [...unread(), ...afterSigterm().filter((r) => !served.has(r.requestId))];
    expect(late.filter((r) => r.status !== undefined || !['ECONNREFUSED', 'ECONNRESET', 'EPIPE'].includes(r.errorCode ?? ''))).toEqual([]);
  });

  test(`the process exits 0, drained, before the ${SHUTDOWN_TIMEOUT_MS} ms deadline`, () => {
    expect({ exitCode, drained: stoppedLine?.drained, beforeDeadline: exitedAt - sigtermAt < SHUTDOWN_TIMEOUT_MS }).toEqual({
      exitCode: 0,
      drained: true,
      beforeDeadline: true,
    });
  });
});
