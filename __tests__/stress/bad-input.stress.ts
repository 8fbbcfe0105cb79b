/**
 * Bad input: over 1,000 generated malformed requests (query strings, limits, cursors, paths,
 * headers, bodies, methods), sent as raw bytes to the bundled service with basic auth on. Each must
 * get the outcome its case states (4xx for malformed input, 2xx where the request is in fact valid),
 * never a 5xx, a crash, or a body or header that leaks a stack trace or a file path.
 */
import * as fs from 'node:fs';
import { generateBadInput, outcomeClass, sendRaw, type BadInputCase, type RawResponse } from '../support/bad-input';
import { createSeededTables, seedItems, type SeededTables, serviceEnv } from '../../scripts/lib/seeded-tables';
import { buildServiceBundle, startBundledService, type BundledService } from '../../scripts/lib/service-bundle';
import { startDynamoProcess, type DynamoProcess } from '../support/stress-dynamo';
import { reportStress } from '../support/stress-load';

jest.setTimeout(180_000);

const CONCURRENCY = 8;
const USER = 'stress';
const PASSWORD = 'correct-horse-battery-staple';
/** Traces of internals: stack frames, source or bundle paths, error class names with messages. */
const LEAK = /\bat \S+ \(|\bat \S+:\d+:\d+|node_modules|\/work\/|\/tmp\/|server\.js:\d|\.ts:\d+|\b[A-Z][A-Za-z]*Error: |<pre>/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

let bundleDir: string;
let dynamo: DynamoProcess;
let tables: SeededTables;
let service: BundledService;
let pid: number | undefined;
let cases: BadInputCase[];
let results: { c: BadInputCase; r: RawResponse }[];
let healthAfter: number;
let logLinesBefore: number;

beforeAll(async () => {
  // Given the bundled service with basic auth on, on a seeded DynamoDB
  [bundleDir, dynamo] = await Promise.all([buildServiceBundle(), startDynamoProcess()]);
  tables = await createSeededTables(dynamo.endpoint, 'stress');
  service = await startBundledService(bundleDir, serviceEnv(dynamo.endpoint, tables.names, { BASIC_AUTH_USER: USER, BASIC_AUTH_PASSWORD: PASSWORD }));
  pid = service.child.pid;
  logLinesBefore = service.stdout().split('\n').length;
  cases = generateBadInput({
    categoryId: String(seedItems(tables, 'Category')[0].id),
    resourceId: String(seedItems(tables, 'Resource')[0].id),
    authorization: `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`,
  });
  // When every case is sent, a few at a time
  const port = Number(new URL(service.url).port);
  results = new Array(cases.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      for (let i = next++; i < cases.length; i = next++) results[i] = { c: cases[i], r: await sendRaw(port, cases[i].raw) };
    }),
  );
  healthAfter = (await fetch(`${service.url}/health`)).status;
});

afterAll(async () => {
  await service?.stop();
  await dynamo?.dispose();
  if (bundleDir) fs.rmSync(bundleDir, { recursive: true, force: true });
});

const show = ({ c, r }: { c: BadInputCase; r: RawResponse }) => ({
  kind: c.kind,
  name: c.name,
  expected: c.status ?? c.expected,
  got: r.status ?? outcomeClass(r),
  error: r.error,
});

describe('generated malformed requests against the bundled service', () => {
  test('the figures are reported', () => {
    const count = (keyOf: (x: { c: BadInputCase; r: RawResponse }) => string) =>
      results.reduce<Record<string, number>>((acc, x) => ({ ...acc, [keyOf(x)]: (acc[keyOf(x)] ?? 0) + 1 }), {});
    reportStress('bad-input', {
      requests: results.length,
      byOutcomeClass: count(({ r }) => outcomeClass(r)),
      byStatus: count(({ r }) => String(r.status ?? outcomeClass(r))),
      byKind: count(({ c }) => c.kind),
      expectedValid2xx: cases.filter((c) => c.expected === '2xx').length,
    });
    expect(results.length).toBeGreaterThanOrEqual(1000);
  });

  test('no request gets a 5xx', () => {
    expect(results.filter(({ r }) => r.status !== undefined && r.status >= 500).map(show)).toEqual([]);
  });

  test('every request gets the class its case states (4xx malformed, 2xx actually valid)', () => {
    expect(results.filter(({ c, r }) => outcomeClass(r) !== c.expected).map(show)).toEqual([]);
  });

  test('every request gets the exact status the API docs give, where they give one', () => {
    expect(results.filter(({ c, r }) => c.status !== undefined && r.status !== c.status).map(show)).toEqual([]);
  });

  test('no response leaks a stack trace, a file path or an error message', () => {
    expect(results.filter(({ r }) => LEAK.test(r.text)).map((x) => ({ ...show(x), text: x.r.text.slice(0, 300) }))).toEqual([]);
  });

  test('a malformed x-request-id is replaced by a fresh UUID, never echoed', () => {
    const withBadId = results.filter(({ c }) => c.badRequestId);
    expect(withBadId.length).toBeGreaterThan(0);
    expect(withBadId.filter(({ r }) => !UUID.test(r.headers['x-request-id'] ?? '')).map(show)).toEqual([]);
  });

  test('the service logged no error while answering them', () => {
    const lines = service
      .stdout()
      .split('\n')
      .slice(logLinesBefore - 1);
    expect(lines.filter((l) => /"level":"(error|fatal)"/.test(l)).slice(0, 5)).toEqual([]);
  });

  test('the same process is still up and healthy', () => {
    expect({ health: healthAfter, exitCode: service.child.exitCode, signal: service.child.signalCode, pid: service.child.pid }).toEqual({
      health: 200,
      exitCode: null,
      signal: null,
      pid,
    });
  });
});
