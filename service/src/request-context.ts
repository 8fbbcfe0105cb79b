/** Request ids and access logs: every request gets an id, echoed in `x-request-id` and in its log lines. */
import { randomUUID } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import type { Logger } from 'pino';

/** Incoming ids are accepted only in this shape, so they cannot inject into logs or headers. */
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The incoming `x-request-id` if it is safe to reuse, else a fresh UUID. */
export function requestIdFrom(header: string | string[] | undefined): string {
  return typeof header === 'string' && REQUEST_ID.test(header) ? header : randomUUID();
}

/** Per-request data the handlers read. */
export interface RequestContext {
  readonly id: string;
  readonly log: Logger;
}

const contexts = new WeakMap<Request, RequestContext>();

/** The context attached by {@link requestContext}. */
export function contextOf(req: Request): RequestContext {
  const ctx = contexts.get(req);
  if (ctx === undefined) throw new Error('requestContext middleware is not installed');
  return ctx;
}

/** Assigns the request id, sets the response header, and logs one line when the response ends. */
export function requestContext(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    const id = requestIdFrom(req.headers['x-request-id']);
    const log = logger.child({ requestId: id });
    contexts.set(req, { id, log });
    res.setHeader('x-request-id', id);
    let logged = false;
    const done = (aborted: boolean): void => {
      if (logged) return;
      logged = true;
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const fields = { method: req.method, path: req.path, status: res.statusCode, durationMs: Math.round(ms * 10) / 10, aborted };
      if (res.statusCode >= 500) log.error(fields, 'request failed');
      else log.info(fields, 'request');
    };
    res.on('finish', () => done(false));
    res.on('close', () => done(!res.writableFinished));
    next();
  };
}
