/** Optional HTTP basic auth (RFC 7617); credentials come from the environment, never the image. */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import type { BasicAuthCredentials } from './config';
import { whenBodyRead } from './drain';

/** Parses an `Authorization: Basic ...` header; undefined when absent or malformed. */
export function parseBasicAuth(header: string | undefined): { user: string; password: string } | undefined {
  const match = /^Basic ([A-Za-z0-9+/]+=*)$/i.exec(header?.trim() ?? '');
  if (match === null) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/** Constant-time comparison of two strings of any length (hashing first equalizes the lengths). */
export function safeEqual(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb);
}

/** Middleware answering 401 with a Basic challenge unless the request carries the expected credentials. */
export function basicAuth(expected: BasicAuthCredentials, realm = 'catalog'): RequestHandler {
  return async (req, res, next) => {
    const given = parseBasicAuth(req.headers.authorization);
    // Evaluate both comparisons so a wrong user and a wrong password take the same time.
    const userOk = safeEqual(given?.user ?? '', expected.user);
    const passwordOk = safeEqual(given?.password ?? '', expected.password);
    if (given !== undefined && userOk && passwordOk) {
      next();
      return;
    }
    // Answered once the body has arrived, or the answer may be lost to a reset (drain.ts).
    await whenBodyRead(req);
    res
      .status(401)
      .set('WWW-Authenticate', `Basic realm="${realm}", charset="UTF-8"`)
      .set('Cache-Control', 'no-store')
      .json({ error: 'unauthorized', detail: 'valid basic auth credentials are required' });
  };
}
