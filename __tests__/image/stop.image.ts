/**
 * `docker stop` of the image under load, as ECS stops a task: SIGTERM, then SIGKILL after the task's
 * stop timeout. DynamoDB answers in 1 s (a slow proxy in front of dynalite) so requests are in
 * flight when the stop begins. The container must exit 0 well within the stop timeout, every request
 * it accepted must be answered 200, and the ones it never read must fail at the socket.
 */
import { createSeededTables, seedItems } from '../../scripts/lib/seeded-tables';
import { dockerCreateBody, localDynamoEnvironment } from '../../scripts/lib/task-container';
import { freePort } from '../../scripts/lib/free-port';
import { startContainer, type LocalContainer } from '../../scripts/local-task';
import { startDynalite, type TestDynalite } from '../support/dynalite';
import { CONTAINER_PREFIX, imageSuite, ms1, reportImage, waitForStatus } from '../support/image-suite';
import { startSlowProxy, type SlowProxy } from '../support/service-slow-proxy';
import { closedLoop, type RequestRecord } from '../support/stress-load';

const { docker, image, task } = imageSuite();
const CONNECTIONS = 20;
/** Long enough that the in-flight count does not depend on how fast a loaded machine sends. */
const DYNAMODB_DELAY_MS = 1000;
const WARM_MS = 2000;
const STOP_TIMEOUT_MS = (task.container.stopTimeout ?? 30) * 1000;

/** One access-log line of the service (written when the response ends). */
interface AccessLog {
  readonly requestId: string;
  readonly status: number;
  readonly aborted: boolean;
  readonly time: string;
  readonly durationMs: number;
}

let dynamo: TestDynalite;
let proxy: SlowProxy;
let container: LocalContainer;
let records: RequestRecord[];
let stopAt: number;
let stop: { ms: number; cliCode: number | null; exitCode: number };
let served: Map<string, AccessLog>;
let shutdownLine: { time: string } | undefined;
let stoppedLine: { drained?: boolean } | undefined;

beforeAll(async () => {
  // Given the image under 20 connections, its DynamoDB answering in 1 s
  dynamo = await startDynalite();
  const tables = await createSeededTables(dynamo.endpoint, 'stop');
  proxy = await startSlowProxy(dynamo.endpoint, DYNAMODB_DELAY_MS);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const body = dockerCreateBody(task, {
    image: image.reference,
    network: 'host',
    environment: { ...localDynamoEnvironment(proxy.endpoint, tables.names), PORT: String(port) },
    withoutHealthCheck: true,
  });
  container = await startContainer(docker, `${CONTAINER_PREFIX}stop`, body);
  await waitForStatus(`${url}/health`, 200, 30_000);
  const category = String(seedItems(tables, 'Category')[0].id);
  let stopped!: () => void;
  const stopping = new Promise<void>((resolve) => (stopped = resolve));
  const load = closedLoop({
    baseUrl: url,
    paths: ['/api/categories', `/api/categories/${category}`, `/api/resources?category=${category}`, '/api/bookmarks', '/health'],
    connections: CONNECTIONS,
    durationMs: WARM_MS + STOP_TIMEOUT_MS + 5000,
    until: stopping,
    stopWorkerOnSocketError: true,
    requestIdPrefix: 'image',
  });
  await new Promise((r) => setTimeout(r, WARM_MS));
  // When docker stops it mid-load
  stopAt = performance.now();
  stop = await container.stop();
  stopped();
  records = await load;
  const lines = (await container.logs())
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  served = new Map(lines.filter((l) => l.msg === 'request' || l.msg === 'request failed').map((l) => [String(l.requestId), l as unknown as AccessLog]));
  shutdownLine = lines.find((l) => String(l.msg).startsWith('shutting down')) as typeof shutdownLine;
  stoppedLine = lines.find((l) => l.msg === 'stopped') as typeof stoppedLine;
  reportImage('stop under load', {
    connections: CONNECTIONS,
    dynamoDbDelayMs: DYNAMODB_DELAY_MS,
    requests: records.length,
    inFlightAtStop: inFlight().length,
    dockerStopMs: ms1(stop.ms),
    stopTimeoutMs: STOP_TIMEOUT_MS,
    exitCode: stop.exitCode,
  });
});

afterAll(async () => {
  await container?.remove();
  await proxy?.stop();
  await dynamo?.stop();
});

/** Requests in flight when the service began to drain, by its own log clock (see rolling-stop.stress.ts). */
const inFlight = (): RequestRecord[] => {
  if (!shutdownLine) return [];
  const drainAt = Date.parse(shutdownLine.time);
  const ids = new Set([...served.values()].filter((l) => Date.parse(l.time) - l.durationMs < drainAt && Date.parse(l.time) > drainAt + 1).map((l) => l.requestId));
  return records.filter((r) => ids.has(r.requestId));
};

describe('docker stop under load', () => {
  test('docker stop succeeds and the container exits 0, drained', () => {
    expect({ cli: stop.cliCode, exitCode: stop.exitCode, drained: stoppedLine?.drained }).toEqual({ cli: 0, exitCode: 0, drained: true });
  });

  test("it is over well within the task's stop timeout (no SIGKILL)", () => {
    expect(stop.ms).toBeLessThan(STOP_TIMEOUT_MS / 2);
  });

  test('requests were in flight when the stop began', () => {
    expect(inFlight().length).toBeGreaterThanOrEqual(CONNECTIONS / 2);
  });

  test('every in-flight request completes with 200 and a full JSON body', () => {
    const bad = inFlight().filter((r) => r.status !== 200 || !r.body.endsWith('}'));
    expect(bad.map((r) => ({ path: r.path, status: r.status, error: r.errorCode }))).toEqual([]);
  });

  test('every request the service accepted was answered 200, none aborted', () => {
    const bad = [...served.values()].filter((l) => l.requestId.startsWith('image-') && (l.status !== 200 || l.aborted));
    expect(bad).toEqual([]);
  });

  test('every request the client sent was either answered 200 or refused at the socket, never half-answered', () => {
    const lost = records.filter(
      (r) => r.status !== 200 && !(r.status === undefined && !served.has(r.requestId) && ['ECONNREFUSED', 'ECONNRESET', 'EPIPE'].includes(r.errorCode ?? '')),
    );
    expect(lost.map((r) => ({ path: r.path, status: r.status, error: r.errorCode, afterStopMs: Math.round(r.startedAt - stopAt) }))).toEqual([]);
  });
});
