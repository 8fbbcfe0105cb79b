/**
 * The API over dynalite seeded from data/: every endpoint, pagination, the GSI results against the
 * CSV, validation (400), unknown ids (404), caching and request ids.
 */
import { QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import request from 'supertest';
import { startDynalite, type TestDynalite } from '../support/dynalite';
import { createSeededTables, seedItems, type SeededTables } from '../../scripts/lib/seeded-tables';
import { createTestApp, type TestApp } from '../support/service-app';

jest.setTimeout(30_000);

let dynamo: TestDynalite;
let tables: SeededTables;
let t: TestApp;
let categories: Record<string, unknown>[];
let resources: Record<string, unknown>[];
let bookmarks: Record<string, unknown>[];

beforeAll(async () => {
  dynamo = await startDynalite();
  tables = await createSeededTables(dynamo.endpoint);
  t = createTestApp({ endpoint: dynamo.endpoint, names: tables.names });
  categories = seedItems(tables, 'Category');
  resources = seedItems(tables, 'Resource');
  bookmarks = seedItems(tables, 'Bookmark');
});

afterAll(async () => {
  t?.db.destroy();
  await dynamo?.stop();
});

/** Follows nextCursor from `path` with `limit` per page; returns all items and the page count. */
async function collect(path: string, limit: number): Promise<{ items: Record<string, unknown>[]; pages: number }> {
  const items: Record<string, unknown>[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const sep = path.includes('?') ? '&' : '?';
    const res: request.Response = await request(t.app)
      .get(`${path}${sep}limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`)
      .expect(200);
    expect(res.body.items.length).toBeLessThanOrEqual(limit);
    items.push(...res.body.items);
    cursor = res.body.nextCursor;
    pages += 1;
    if (pages > 200) throw new Error('pagination does not terminate');
  } while (cursor !== null);
  return { items, pages };
}

const ids = (items: Record<string, unknown>[]): string[] => items.map((i) => String(i.id));
const sortedIds = (items: Record<string, unknown>[]): string[] => ids(items).sort();

describe('health and readiness', () => {
  test('GET /health answers 200 without touching DynamoDB', async () => {
    const send = jest.spyOn(t.db, 'send');
    const res = await request(t.app).get('/health').expect(200);
    expect([res.body, send.mock.calls.length]).toEqual([{ status: 'ok' }, 0]);
    send.mockRestore();
  });

  test('GET /ready answers 200 when DynamoDB answers', async () => {
    const res = await request(t.app).get('/ready').expect(200);
    expect(res.body).toEqual({ status: 'ready' });
  });

  test('health and readiness are never cached', async () => {
    const res = await request(t.app).get('/ready');
    expect(res.headers['cache-control']).toBe('no-store');
  });
});

describe('GET /api/categories', () => {
  test('lists every CSV category ordered by sortOrder', async () => {
    const res = await request(t.app).get('/api/categories').expect(200);
    const expected = [...categories].sort((a, b) => Number(a.sortOrder) - Number(b.sortOrder));
    expect(res.body.items).toEqual(expected);
  });

  test('returns one category by id as in the CSV', async () => {
    const first = categories[0];
    const res = await request(t.app).get(`/api/categories/${first.id}`).expect(200);
    expect(res.body).toEqual({ item: first });
  });

  test('answers 404 with {error, detail} for an unknown id', async () => {
    const res = await request(t.app).get('/api/categories/no-such-category').expect(404);
    expect(res.body).toEqual({ error: 'not_found', detail: 'no category with id "no-such-category"' });
  });

  test('answers 400 for an id longer than 128 characters', async () => {
    const res = await request(t.app)
      .get(`/api/categories/${'x'.repeat(129)}`)
      .expect(400);
    expect(res.body.error).toBe('bad_request');
  });

  test('API responses may be cached publicly for a short time when auth is off', async () => {
    const res = await request(t.app).get('/api/categories');
    expect(res.headers['cache-control']).toBe('public, max-age=30');
  });
});

describe('GET /api/resources', () => {
  test('for every category, returns exactly its CSV resources ordered by title (the byCategory GSI)', async () => {
    for (const category of categories) {
      const { items } = await collect(`/api/resources?category=${category.id}`, 100);
      const expected = resources.filter((r) => r.categoryId === category.id).sort((a, b) => (String(a.title) < String(b.title) ? -1 : 1));
      expect({ category: category.id, items }).toEqual({ category: category.id, items: expected });
    }
  });

  test('lists a category with a Query on the GSI, never a Scan', async () => {
    const send = jest.spyOn(t.db, 'send');
    await request(t.app).get(`/api/resources?category=${categories[0].id}`).expect(200);
    const commands = send.mock.calls.map(([command]) => command);
    send.mockRestore();
    expect(commands.map((c) => [c.constructor.name, (c.input as { IndexName?: string }).IndexName])).toEqual([[QueryCommand.name, 'byCategory']]);
  });

  test('pages through a category with limit and cursor, each resource exactly once', async () => {
    const category = categories.find((c) => resources.filter((r) => r.categoryId === c.id).length > 3)!;
    const { items, pages } = await collect(`/api/resources?category=${category.id}`, 2);
    const expected = resources.filter((r) => r.categoryId === category.id);
    expect({ ids: ids(items).sort(), morePages: pages > 1 }).toEqual({ ids: sortedIds(expected), morePages: true });
  });

  test('pages through all resources without a category, each exactly once', async () => {
    const { items, pages } = await collect('/api/resources', 7);
    expect({ ids: ids(items).sort(), pages: pages >= Math.ceil(resources.length / 7) }).toEqual({
      ids: sortedIds(resources),
      pages: true,
    });
  });

  test('lists all resources with a Scan of the Resource table', async () => {
    const send = jest.spyOn(t.db, 'send');
    await request(t.app).get('/api/resources?limit=5').expect(200);
    const names = send.mock.calls.map(([command]) => command.constructor.name);
    send.mockRestore();
    expect(names).toEqual([ScanCommand.name]);
  });

  test('returns the first page with a default limit of 20 and a cursor', async () => {
    const res = await request(t.app).get('/api/resources').expect(200);
    expect([res.body.items.length, typeof res.body.nextCursor]).toEqual([20, 'string']);
  });

  test('returns tags as an array of strings', async () => {
    const res = await request(t.app).get('/api/resources?limit=1').expect(200);
    expect(Array.isArray(res.body.items[0].tags)).toBe(true);
  });

  test('an unknown category yields an empty list', async () => {
    const res = await request(t.app).get('/api/resources?category=nope').expect(200);
    expect(res.body).toEqual({ items: [], nextCursor: null });
  });

  test.each([
    ['limit=0', 'limit must be an integer from 1 to 100'],
    ['limit=abc', 'limit must be an integer from 1 to 100'],
    ['limit=1000', 'limit must be an integer from 1 to 100'],
    ['limit=1&limit=2', 'limit must be an integer from 1 to 100'],
    ['cursor=%%%', 'cursor must be a base64url string of at most 4096 characters'],
    [`category=${'c'.repeat(129)}`, 'category must be at most 128 characters'],
  ])('answers 400 with the reason for ?%s', async (query, detail) => {
    const res = await request(t.app).get(`/api/resources?${query}`).expect(400);
    expect(res.body).toEqual({ error: 'bad_request', detail });
  });

  test('answers 400 for a cursor carrying attributes other than the key', async () => {
    const forged = Buffer.from(JSON.stringify({ id: 'res-001', admin: 'true' })).toString('base64url');
    const res = await request(t.app).get(`/api/resources?cursor=${forged}`).expect(400);
    expect(res.body.detail).toMatch(/cursor does not belong to this listing/);
  });

  test('answers 400 for a cursor issued for another category', async () => {
    const [a, b] = categories;
    const first = await request(t.app).get(`/api/resources?category=${a.id}&limit=1`).expect(200);
    const res = await request(t.app).get(`/api/resources?category=${b.id}&cursor=${first.body.nextCursor}`).expect(400);
    expect(res.body.detail).toMatch(/different filter/);
  });
});

describe('GET /api/resources/:id', () => {
  test('returns the resource with its category and its bookmarks from the CSV', async () => {
    const bookmarked = resources.find((r) => bookmarks.some((b) => b.resourceId === r.id))!;
    const res = await request(t.app).get(`/api/resources/${bookmarked.id}`).expect(200);
    const { category, bookmarks: got, ...resource } = res.body.item;
    expect({ resource, category: category.id, bookmarks: sortedIds(got) }).toEqual({
      resource: bookmarked,
      category: bookmarked.categoryId,
      bookmarks: sortedIds(bookmarks.filter((b) => b.resourceId === bookmarked.id)),
    });
  });

  test('answers 404 for an unknown id', async () => {
    const res = await request(t.app).get('/api/resources/res-999999').expect(404);
    expect(res.body.error).toBe('not_found');
  });
});

describe('GET /api/bookmarks', () => {
  test('lists the bookmarks of a resource newest first (the byResource GSI)', async () => {
    const resourceId = bookmarks[0].resourceId;
    const { items } = await collect(`/api/bookmarks?resource=${resourceId}`, 100);
    const expected = bookmarks.filter((b) => b.resourceId === resourceId).sort((a, b) => String(b.createdAt).localeCompare(String(a.createdAt)));
    expect(items).toEqual(expected);
  });

  test('pages through all bookmarks, each exactly once', async () => {
    const { items } = await collect('/api/bookmarks', 6);
    expect(sortedIds(items)).toEqual(sortedIds(bookmarks));
  });

  test('filters by user across pages', async () => {
    const user = bookmarks[0].userName;
    const { items } = await collect(`/api/bookmarks?user=${user}`, 2);
    expect(sortedIds(items)).toEqual(sortedIds(bookmarks.filter((b) => b.userName === user)));
  });

  test('fills each page up to the limit although the user filter skips items', async () => {
    const user = bookmarks[0].userName;
    const expectedCount = bookmarks.filter((b) => b.userName === user).length;
    const res = await request(t.app).get(`/api/bookmarks?user=${user}&limit=2`).expect(200);
    expect(res.body.items.length).toBe(Math.min(2, expectedCount));
  });

  test('answers 400 for an overlong resource filter', async () => {
    await request(t.app)
      .get(`/api/bookmarks?resource=${'r'.repeat(200)}`)
      .expect(400);
  });
});

describe('HTTP behaviour', () => {
  test('echoes a well-formed incoming x-request-id', async () => {
    const res = await request(t.app).get('/health').set('x-request-id', 'trace-123');
    expect(res.headers['x-request-id']).toBe('trace-123');
  });

  test('logs each request as JSON with its request id and status', async () => {
    await request(t.app).get('/api/categories/no-such').set('x-request-id', 'log-check-1');
    expect(t.logs.find((l) => l.requestId === 'log-check-1' && l.msg === 'request')).toMatchObject({
      method: 'GET',
      path: '/api/categories/no-such',
      status: 404,
    });
  });

  test('error responses are not cached', async () => {
    const res = await request(t.app).get('/api/resources/unknown');
    expect(res.headers['cache-control']).toBe('no-store');
  });

  test('answers 405 to writes, naming the allowed methods', async () => {
    const res = await request(t.app).post('/api/categories').send({}).expect(405);
    expect(res.headers.allow).toBe('GET, HEAD');
  });

  test('answers 413 to a body over 16 KiB', async () => {
    const res = await request(t.app).get('/api/categories').set('content-type', 'application/json').send('x'.repeat(20_000));
    expect([res.status, res.body.error]).toEqual([413, 'payload_too_large']);
  });

  test('answers JSON 404 for an unknown route', async () => {
    const res = await request(t.app).get('/api/nothing-here').expect(404);
    expect(res.body.error).toBe('not_found');
  });

  test('serves the web page at /', async () => {
    const res = await request(t.app).get('/').expect(200);
    expect([res.headers['content-type'], res.text.includes('<script type="module" src="app.js">')]).toEqual(['text/html; charset=utf-8', true]);
  });
});
