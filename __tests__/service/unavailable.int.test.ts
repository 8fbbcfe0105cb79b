/** DynamoDB stopped or hanging: the API answers 503 with Retry-After, fast, and without internals. */
import request from 'supertest';
import { startDynalite, type TestDynalite } from '../support/dynalite';
import { createSeededTables } from '../../scripts/lib/seeded-tables';
import { startBlackHole, type BlackHole } from '../support/service-blackhole';
import { createTestApp, type TestApp } from '../support/service-app';

jest.setTimeout(30_000);

const TIMEOUT_MS = 300;
let dynamo: TestDynalite;
let dynamoStopped = false;
let stopped: TestApp;
let hole: BlackHole;
let hanging: TestApp;

beforeAll(async () => {
  // Given a service whose DynamoDB was seeded, then stopped
  dynamo = await startDynalite();
  const { names } = await createSeededTables(dynamo.endpoint);
  stopped = createTestApp({ endpoint: dynamo.endpoint, names, dynamoDbTimeoutMs: TIMEOUT_MS });
  await request(stopped.app).get('/api/categories').expect(200);
  await dynamo.stop();
  dynamoStopped = true;
  // and one whose DynamoDB accepts connections but never answers
  hole = await startBlackHole();
  hanging = createTestApp({ endpoint: hole.endpoint, names, dynamoDbTimeoutMs: TIMEOUT_MS });
});

afterAll(async () => {
  stopped?.db.destroy();
  hanging?.db.destroy();
  await hole?.stop();
  // If set-up failed before stopping it, a listening dynalite would keep jest from exiting.
  if (!dynamoStopped) await dynamo?.stop();
});

describe('DynamoDB stopped', () => {
  test.each(['/api/categories', '/api/categories/architecture', '/api/resources?category=architecture', '/api/resources/res-001', '/api/bookmarks'])(
    'GET %s answers 503 with Retry-After',
    async (path) => {
      const res = await request(stopped.app).get(path).expect(503);
      expect([res.headers['retry-after'], res.body]).toEqual(['5', { error: 'unavailable', detail: 'the database is unavailable; retry later' }]);
    },
  );

  test('GET /ready answers 503', async () => {
    await request(stopped.app).get('/ready').expect(503);
  });

  test('GET /health still answers 200', async () => {
    await request(stopped.app).get('/health').expect(200);
  });

  test('the 503 body carries no stack trace or SDK message', async () => {
    const res = await request(stopped.app).get('/api/categories');
    expect(res.text).not.toMatch(/ECONNREFUSED|at .*\.js|Error:/);
  });

  test('the failure is logged with its cause for operators', async () => {
    await request(stopped.app).get('/api/categories').set('x-request-id', 'down-1');
    const line = stopped.logs.find((l) => l.requestId === 'down-1' && l.msg === 'request error');
    expect(JSON.stringify(line?.err)).toContain('ECONNREFUSED');
  });
});

describe('DynamoDB hanging', () => {
  test('answers 503 once DYNAMODB_TIMEOUT_MS has passed, not later', async () => {
    const started = Date.now();
    const res = await request(hanging.app).get('/api/categories');
    const elapsed = Date.now() - started;
    expect([res.status, res.headers['retry-after'], elapsed < TIMEOUT_MS + 1000]).toEqual([503, '5', true]);
  });

  test('GET /ready answers 503 within the timeout', async () => {
    const started = Date.now();
    await request(hanging.app).get('/ready').expect(503);
    expect(Date.now() - started).toBeLessThan(TIMEOUT_MS + 1000);
  });
});
