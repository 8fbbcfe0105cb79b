/**
 * The Express application: JSON API over the catalogue tables plus the static web page. Built by a
 * factory so tests inject the DynamoDB client, the logger and the shutdown state.
 */
import express, { type ErrorRequestHandler, type Express, type Response } from 'express';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Logger } from 'pino';
import { basicAuth } from './auth';
import type { ServiceConfig } from './config';
import { HttpError, NotFoundError, UnavailableError, toHttpError } from './errors';
import { parseCursorParam, parseId, parseLimit, parseOptionalId } from './params';
import { CatalogRepository } from './repository';
import { whenBodyRead } from './drain';
import { contextOf, requestContext } from './request-context';

/** Largest request body accepted; the API is read-only, so anything bigger is abuse. */
export const BODY_LIMIT = '16kb';
/** Seconds shared caches and browsers may reuse an API response (seed data changes only on deploy). */
export const API_MAX_AGE_SECONDS = 30;

/** Collaborators of {@link createApp}. */
export interface AppOptions {
  readonly config: ServiceConfig;
  /** The process-wide document client (see createDocumentClient). */
  readonly db: DynamoDBDocumentClient;
  readonly logger: Logger;
  /** @default - no web page; only the API is served */
  readonly staticDir?: string;
  /**
   * Reports that SIGTERM arrived: /ready answers 503 and responses close their connection.
   * @default - never shutting down
   */
  readonly isShuttingDown?: () => boolean;
}

/** Creates the Express app; it does not listen (see server.ts). */
export function createApp(options: AppOptions): Express {
  const { config, db, logger } = options;
  const isShuttingDown = options.isShuttingDown ?? (() => false);
  const repo = new CatalogRepository(db, config.tables, config.dynamoDbTimeoutMs);
  // With auth on, responses are per-user as far as caches know: never store them in shared caches.
  const cacheScope = config.basicAuth === undefined ? 'public' : 'private';
  const cacheable = (res: Response): Response => res.set('Cache-Control', `${cacheScope}, max-age=${API_MAX_AGE_SECONDS}`);

  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple'); // repeated parameters become arrays, which validation rejects
  app.set('json spaces', 0);

  app.use(requestContext(logger));
  app.use((_req, res, next) => {
    if (isShuttingDown()) res.set('Connection', 'close');
    next();
  });

  // Liveness stays outside auth so the load balancer's health check needs no credentials.
  app.get('/health', (_req, res) => {
    res.set('Cache-Control', 'no-store').json({ status: 'ok' });
  });

  if (config.basicAuth !== undefined) app.use(basicAuth(config.basicAuth));

  app.use(async (req, res, next) => {
    if (req.method === 'GET' || req.method === 'HEAD') {
      next();
      return;
    }
    await whenBodyRead(req);
    res.status(405).set('Allow', 'GET, HEAD').set('Cache-Control', 'no-store');
    res.json({ error: 'method_not_allowed', detail: `${req.method} is not supported; the API is read-only` });
  });
  // Reads (and bounds) any body a GET carries, so an oversized upload is cut off with 413.
  app.use(express.raw({ type: () => true, limit: BODY_LIMIT }));

  app.get('/ready', async (_req, res) => {
    res.set('Cache-Control', 'no-store');
    if (isShuttingDown()) throw new UnavailableError('shutting down');
    await repo.ping();
    res.json({ status: 'ready' });
  });

  app.get('/api/categories', async (_req, res) => {
    const items = await repo.listCategories();
    cacheable(res).json({ items });
  });

  app.get('/api/categories/:id', async (req, res) => {
    const id = parseId('id', req.params.id);
    const item = await repo.getCategory(id);
    if (item === undefined) throw new NotFoundError(`no category with id "${id}"`);
    cacheable(res).json({ item });
  });

  app.get('/api/resources', async (req, res) => {
    const categoryId = parseOptionalId('category', req.query.category);
    const limit = parseLimit(req.query.limit);
    const cursor = parseCursorParam(req.query.cursor);
    const page = await repo.listResources({ categoryId, limit, cursor });
    cacheable(res).json({ items: page.items, nextCursor: page.nextCursor ?? null });
  });

  app.get('/api/resources/:id', async (req, res) => {
    const id = parseId('id', req.params.id);
    const resource = await repo.getResource(id);
    if (resource === undefined) throw new NotFoundError(`no resource with id "${id}"`);
    const categoryId = typeof resource.categoryId === 'string' ? resource.categoryId : undefined;
    const [category, bookmarks] = await Promise.all([categoryId === undefined ? undefined : repo.getCategory(categoryId), repo.bookmarksOfResource(id)]);
    cacheable(res).json({ item: { ...resource, category: category ?? null, bookmarks } });
  });

  app.get('/api/bookmarks', async (req, res) => {
    const resourceId = parseOptionalId('resource', req.query.resource);
    const userName = parseOptionalId('user', req.query.user);
    const limit = parseLimit(req.query.limit);
    const cursor = parseCursorParam(req.query.cursor);
    const page = await repo.listBookmarks({ resourceId, userName, limit, cursor });
    cacheable(res).json({ items: page.items, nextCursor: page.nextCursor ?? null });
  });

  if (options.staticDir !== undefined) {
    app.use(
      express.static(options.staticDir, {
        index: 'index.html',
        fallthrough: true,
        setHeaders: (res, filePath) => {
          // The page must pick up a new deploy at once; its assets may be reused for a few minutes.
          res.setHeader('Cache-Control', filePath.endsWith('.html') ? 'no-cache' : `${cacheScope}, max-age=300`);
        },
      }),
    );
  }

  app.use((req, _res, next) => {
    next(new HttpError(404, 'not_found', `no route for ${req.method} ${req.path}`));
  });

  const onError: ErrorRequestHandler = (err, req, res, _next) => {
    const httpError = toHttpError(err);
    const { log } = contextOf(req);
    if (httpError.status >= 500) log.error({ err, status: httpError.status }, 'request error');
    else log.debug({ status: httpError.status, detail: httpError.detail }, 'client error');
    if (res.headersSent) {
      res.destroy();
      return;
    }
    res.status(httpError.status).set(httpError.headers).set('Cache-Control', 'no-store');
    res.json({ error: httpError.code, detail: httpError.detail });
  };
  app.use(onError);
  return app;
}
