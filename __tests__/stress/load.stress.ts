/**
 * Load: 50 concurrent keep-alive connections for 20 s (STRESS_LOAD_SECONDS) against the bundled
 * service on the embedded DynamoDB, over every read endpoint. Asserts correctness only (no errors,
 * no non-2xx, sane bodies); latency and throughput are reported, never asserted, because this
 * machine's cores are shared.
 */
import autocannon from 'autocannon';
import * as fs from 'node:fs';
import { createSeededTables, seedItems, type SeededTables, serviceEnv } from '../../scripts/lib/seeded-tables';
import { buildServiceBundle, startBundledService, type BundledService } from '../../scripts/lib/service-bundle';
import { startDynamoProcess, type DynamoProcess } from '../support/stress-dynamo';
import { reportStress, secondsFromEnv } from '../support/stress-load';

const SECONDS = secondsFromEnv('STRESS_LOAD_SECONDS', 20);
const CONNECTIONS = 50;
jest.setTimeout(60_000 + SECONDS * 1000);

type AutocannonResult = Awaited<ReturnType<typeof autocannon>>;

let bundleDir: string;
let dynamo: DynamoProcess;
let tables: SeededTables;
let service: BundledService;
let result: AutocannonResult;
let sampleBodies: { path: string; status: number; body: string }[];

/** Every read endpoint, with ids that exist in data/. */
function loadPaths(): string[] {
  const category = String(seedItems(tables, 'Category')[0].id);
  const resources = seedItems(tables, 'Resource');
  const resource = String(resources[0].id);
  const bookmarked = String(seedItems(tables, 'Bookmark')[0].resourceId);
  return [
    '/api/categories',
    `/api/categories/${category}`,
    `/api/resources?category=${category}&limit=10`,
    '/api/resources?limit=20',
    `/api/resources/${resource}`,
    `/api/resources/${bookmarked}`,
    `/api/bookmarks?resource=${bookmarked}`,
    '/api/bookmarks?limit=50',
    '/ready',
    '/health',
  ];
}

beforeAll(async () => {
  // Given the bundled service on a seeded embedded DynamoDB in its own process
  [bundleDir, dynamo] = await Promise.all([buildServiceBundle(), startDynamoProcess()]);
  tables = await createSeededTables(dynamo.endpoint, 'stress');
  service = await startBundledService(bundleDir, serviceEnv(dynamo.endpoint, tables.names));
  const paths = loadPaths();
  // When 50 connections hammer every endpoint for the whole duration
  result = await autocannon({
    url: service.url,
    connections: CONNECTIONS,
    duration: SECONDS,
    timeout: 10, // seconds; a request slower than this counts as an error
    requests: paths.map((path) => ({ method: 'GET', path })),
  });
  // Then (checked once the load is over) each endpoint still answers with real data
  sampleBodies = await Promise.all(
    paths.map(async (path) => {
      const res = await fetch(`${service.url}${path}`);
      return { path, status: res.status, body: await res.text() };
    }),
  );
});

afterAll(async () => {
  await service?.stop();
  await dynamo?.dispose();
  if (bundleDir) fs.rmSync(bundleDir, { recursive: true, force: true });
});

describe(`${CONNECTIONS} connections for ${SECONDS} s on the embedded DynamoDB`, () => {
  test('the figures are reported', () => {
    const statusCounts = Object.fromEntries(Object.entries(result.statusCodeStats).map(([code, s]) => [code, s.count]));
    reportStress('load', {
      connections: CONNECTIONS,
      durationSeconds: SECONDS,
      requests: result.requests.total,
      requestsPerSecond: Math.round(result.requests.average),
      latencyP50Ms: result.latency.p50,
      latencyP90Ms: result.latency.p90,
      latencyP99Ms: result.latency.p99,
      latencyMaxMs: result.latency.max,
      errors: result.errors,
      timeouts: result.timeouts,
      non2xx: result.non2xx,
      statusCounts,
    });
    expect(result.requests.total).toBeGreaterThan(0);
  });

  test('no request fails at the socket or times out', () => {
    expect({ errors: result.errors, timeouts: result.timeouts }).toEqual({ errors: 0, timeouts: 0 });
  });

  test('every response is 2xx', () => {
    expect(result.non2xx).toBe(0);
    expect(Object.keys(result.statusCodeStats)).toEqual(['200']);
  });

  test('after the load every endpoint answers 200 with JSON', () => {
    expect(sampleBodies.filter((s) => s.status !== 200 || !s.body.startsWith('{'))).toEqual([]);
  });

  test('the category list under load still matches the CSV', () => {
    const list = JSON.parse(sampleBodies.find((s) => s.path === '/api/categories')!.body) as { items: { id: string }[] };
    expect(list.items.map((c) => c.id).sort()).toEqual(
      seedItems(tables, 'Category')
        .map((c) => String(c.id))
        .sort(),
    );
  });

  test('the service process is still running', () => {
    expect([service.child.exitCode, service.child.signalCode]).toEqual([null, null]);
  });
});
