/** Optional basic auth: on when credentials are configured, with /health always open. */
import request from 'supertest';
import { startDynalite, type TestDynalite } from '../support/dynalite';
import { createSeededTables } from '../../scripts/lib/seeded-tables';
import { createTestApp, type TestApp } from '../support/service-app';

jest.setTimeout(30_000);

const credentials = { user: 'reader', password: 'correct horse battery staple' };
let dynamo: TestDynalite;
let secured: TestApp;
let open: TestApp;

beforeAll(async () => {
  dynamo = await startDynalite();
  const { names } = await createSeededTables(dynamo.endpoint);
  secured = createTestApp({ endpoint: dynamo.endpoint, names, basicAuth: credentials });
  open = createTestApp({ endpoint: dynamo.endpoint, names });
});

afterAll(async () => {
  secured?.db.destroy();
  open?.db.destroy();
  await dynamo?.stop();
});

describe('auth on', () => {
  test('answers 401 with a Basic challenge without credentials', async () => {
    const res = await request(secured.app).get('/api/categories').expect(401);
    expect([res.headers['www-authenticate'], res.body.error]).toEqual(['Basic realm="catalog", charset="UTF-8"', 'unauthorized']);
  });

  test('answers 401 to a wrong password', async () => {
    await request(secured.app).get('/api/categories').auth(credentials.user, 'wrong').expect(401);
  });

  test('serves the API with the right credentials', async () => {
    const res = await request(secured.app).get('/api/categories').auth(credentials.user, credentials.password).expect(200);
    expect(res.body.items.length).toBeGreaterThan(0);
  });

  test('protects the web page too', async () => {
    await request(secured.app).get('/').expect(401);
  });

  test('leaves /health open for the load balancer', async () => {
    await request(secured.app).get('/health').expect(200);
  });

  test('marks authenticated responses private so shared caches do not keep them', async () => {
    const res = await request(secured.app).get('/api/categories').auth(credentials.user, credentials.password);
    expect(res.headers['cache-control']).toBe('private, max-age=30');
  });

  test('never logs the Authorization header', async () => {
    await request(secured.app).get('/api/categories').auth(credentials.user, credentials.password).set('x-request-id', 'auth-log');
    expect(JSON.stringify(secured.logs)).not.toContain(Buffer.from(`${credentials.user}:${credentials.password}`).toString('base64'));
  });
});

describe('auth off', () => {
  test('serves the API without credentials', async () => {
    await request(open.app).get('/api/categories').expect(200);
  });
});
