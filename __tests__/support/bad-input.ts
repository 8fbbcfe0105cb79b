/**
 * Deterministic generator of malformed HTTP requests for the bad-input stress suite. Each case is
 * the raw bytes of one request (so nothing in a client library sanitizes it) with the outcome the
 * service must give: its status class, and the exact status where the API docs fix it.
 */
import * as net from 'node:net';
import * as querystring from 'node:querystring';

/** What a case exercises. */
export type BadInputKind = 'query' | 'limit' | 'cursor' | 'path' | 'header' | 'body' | 'method';

/**
 * The outcome a case must have: `4xx` for malformed input; `2xx` where the request is actually
 * valid (unknown query parameters, a 128-character filter, a good cursor); `closed` only for
 * CONNECT, whose connection Node closes without an answer when no tunnel handler exists.
 */
export type ExpectedClass = '2xx' | '4xx' | 'closed';

/** One generated request. */
export interface BadInputCase {
  readonly kind: BadInputKind;
  /** Short, stable description, e.g. `limit=-3 on /api/resources`. */
  readonly name: string;
  readonly raw: Buffer;
  readonly expected: ExpectedClass;
  /** @default - any status of the expected class */
  readonly status?: number;
  /** The request carries an x-request-id the service must not echo. */
  readonly badRequestId?: boolean;
}

/** Known rows of data/ the generator builds valid-looking requests from. */
export interface BadInputFixtures {
  readonly categoryId: string;
  readonly resourceId: string;
  /** `Authorization` value that the service under test accepts. */
  readonly authorization: string;
}

/** Limits the generator targets; they mirror docs/service.md and Node's defaults. */
export const LIMITS = {
  maxId: 128,
  maxLimit: 100,
  maxCursor: 4096,
  bodyBytes: 16 * 1024,
  /** Node's --max-http-header-size default. */
  headerBytes: 16 * 1024,
} as const;

/** mulberry32: a tiny seeded PRNG, so every run sends the same requests. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Request {
  readonly method?: string;
  readonly target: string;
  readonly headers?: readonly (readonly [string, string | Buffer])[];
  readonly body?: Buffer;
  /** Leave out the Authorization header. @default false */
  readonly noAuth?: boolean;
  /** Leave out the Host header. @default false */
  readonly noHost?: boolean;
  readonly version?: string;
}

/** Serializes a request byte for byte; `Connection: close` so the response ends with the socket. */
function serialize(r: Request, fx: BadInputFixtures): Buffer {
  const lines: (string | Buffer)[] = [`${r.method ?? 'GET'} ${r.target} ${r.version ?? 'HTTP/1.1'}`];
  if (!r.noHost) lines.push('Host: 127.0.0.1');
  if (!r.noAuth) lines.push(`Authorization: ${fx.authorization}`);
  for (const [name, value] of r.headers ?? []) lines.push(Buffer.concat([Buffer.from(`${name}: `, 'latin1'), Buffer.isBuffer(value) ? value : Buffer.from(value, 'latin1')]));
  if (r.body !== undefined && !(r.headers ?? []).some(([n]) => /^(content-length|transfer-encoding)$/i.test(n))) {
    lines.push(`Content-Length: ${r.body.length}`);
  }
  lines.push('Connection: close');
  const head = Buffer.concat(lines.flatMap((l) => [Buffer.isBuffer(l) ? l : Buffer.from(l, 'latin1'), Buffer.from('\r\n')]));
  return Buffer.concat([head, Buffer.from('\r\n'), r.body ?? Buffer.alloc(0)]);
}

/** Percent-encodes every byte of a UTF-8 string (so any code point can travel in a URL). */
function pct(s: string): string {
  return [...Buffer.from(s, 'utf8')].map((b) => `%${b.toString(16).padStart(2, '0').toUpperCase()}`).join('');
}

/** The id rule of docs/service.md: 1-128 characters, no control characters. */
function validId(v: unknown): boolean {
  // eslint-disable-next-line no-control-regex
  return typeof v === 'string' && v.length >= 1 && v.length <= LIMITS.maxId && !/[\u0000-\u001f\u007f]/.test(v);
}

/** The limit rule of docs/service.md: an integer from 1 to 100 (absent is fine). */
function validLimit(v: unknown): boolean {
  return v === undefined || (typeof v === 'string' && /^\d{1,4}$/.test(v) && Number(v) >= 1 && Number(v) <= LIMITS.maxLimit);
}

/**
 * Generates at least `count` cases spread over every {@link BadInputKind}, the same for the same
 * seed and fixtures.
 */
export function generateBadInput(fx: BadInputFixtures, count = 1050, seed = 7): BadInputCase[] {
  const rnd = prng(seed);
  const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));
  const pick = <T>(xs: readonly T[]): T => xs[int(0, xs.length - 1)];
  const chars = (n: number, alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789-_.'): string => {
    // Long runs repeat one random block: the size is what matters there, and it keeps generation fast.
    let block = '';
    for (let i = 0; i < Math.min(n, 1024); i++) block += alphabet[int(0, alphabet.length - 1)];
    return block.repeat(Math.ceil(n / 1024)).slice(0, n);
  };
  const unicode = (n: number) =>
    Array.from({ length: n }, () => String.fromCodePoint(pick([int(0x20, 0x7e), int(0xa0, 0x2fff), int(0x1f300, 0x1f64f), int(0x0, 0x1f), 0x7f, 0xfeff]))).join('');
  const b64 = (s: string | Buffer) => Buffer.from(s).toString('base64url');
  const cases: BadInputCase[] = [];
  const add = (kind: BadInputKind, name: string, r: Request, expected: ExpectedClass, extra: Partial<BadInputCase> = {}): void => {
    cases.push({ kind, name, raw: serialize(r, fx), expected, ...extra });
  };

  /** A GET of `path?query`, classified by how the service's query parser ('simple' = node:querystring) reads it. */
  const listing = (kind: BadInputKind, name: string, path: string, query: string) => {
    const q = querystring.parse(query);
    const filters = path === '/api/resources' ? ['category'] : ['resource', 'user'];
    const ok = validLimit(q.limit) && (q.cursor === undefined || typeof q.cursor === 'string') && filters.every((f) => q[f] === undefined || validId(q[f]));
    // A syntactically fine cursor is judged by the cursor generator, which knows its content.
    add(kind, name, { target: `${path}?${query}` }, ok ? '2xx' : '4xx', ok ? { status: 200 } : { status: 400 });
  };

  const generators: Record<BadInputKind, () => void> = {
    limit: () => {
      const path = pick(['/api/resources', '/api/bookmarks']);
      const value = pick([
        () => String(int(-1000, 1000)),
        () => String(int(1, 100)),
        () => `${int(0, 200)}.${int(0, 99)}`,
        () => `${int(1, 9)}e${int(0, 3)}`,
        () => pick(['', '%201', '1%20', '+5', '-0', '0x10', 'NaN', 'Infinity', 'null', 'true', '[]', '{}', '%20', '%zz', '%', '0000005', '00005']),
        () => '9'.repeat(int(5, 400)),
        () => pct(pick(['١٢', '５', '½', '⁵', '𝟓'])),
        () => chars(int(1, 20)),
      ])();
      const shape = int(0, 9);
      if (shape === 0) listing('limit', `limit repeated on ${path}`, path, `limit=${int(1, 50)}&limit=${int(1, 50)}`);
      else if (shape === 1) listing('limit', `limit[] on ${path}`, path, `limit[]=${int(1, 50)}`);
      else listing('limit', `limit=${value.slice(0, 24)} on ${path}`, path, `limit=${value}`);
    },

    cursor: () => {
      const listings = [
        { path: '/api/resources', keys: { id: fx.resourceId } },
        { path: `/api/resources?category=${fx.categoryId}`, keys: { id: fx.resourceId, categoryId: fx.categoryId, title: 'A' } },
        { path: '/api/bookmarks', keys: { id: 'bm-001' } },
        { path: `/api/bookmarks?resource=${fx.resourceId}`, keys: { id: 'bm-001', resourceId: fx.resourceId, createdAt: '2024-01-01T00:00:00Z' } },
      ];
      const l = pick(listings);
      const sep = l.path.includes('?') ? '&' : '?';
      const variant = int(0, 13);
      const bad = (name: string, cursor: string) => add('cursor', `${name} on ${l.path}`, { target: `${l.path}${sep}cursor=${cursor}` }, '4xx', { status: 400 });
      switch (variant) {
        case 0:
          return add('cursor', `valid cursor on ${l.path}`, { target: `${l.path}${sep}cursor=${b64(JSON.stringify(l.keys))}` }, '2xx', { status: 200 });
        case 1:
          return bad('random base64url bytes', b64(Buffer.from(Array.from({ length: int(1, 300) }, () => int(0, 255)))));
        case 2:
          return bad('base64 of a JSON scalar or array', b64(pick(['1', '"x"', 'null', 'true', '[]', '[{"id":"x"}]'])));
        case 3:
          return bad('base64 of an empty object', b64('{}'));
        case 4:
          return bad('base64 of the key with a number', b64(JSON.stringify({ ...l.keys, id: int(0, 9999) })));
        case 5:
          return bad('base64 of the key plus an extra attribute', b64(JSON.stringify({ ...l.keys, [chars(5)]: 'x' })));
        case 6:
          return bad('base64 of a DynamoDB-JSON key', b64(JSON.stringify(Object.fromEntries(Object.entries(l.keys).map(([k, v]) => [k, { S: v }])))));
        case 7:
          return bad('cursor over 4096 characters', b64(JSON.stringify({ ...l.keys, id: chars(int(3100, 9000)) })));
        case 8:
          return bad('key value over 1 KiB', b64(JSON.stringify({ ...l.keys, id: chars(int(1025, 2000)) })));
        case 9:
          return bad('standard base64 with +/=', `${Buffer.from(JSON.stringify(l.keys)).toString('base64')}+/=`);
        case 10:
          return bad('percent-encoding junk', pick(['%zz', '%', '%E0%A4%A', '%00', '%0A', '..%2F..', '%FF%FE']));
        case 11:
          return bad('empty cursor', '');
        case 12:
          return bad('a cursor of another listing', b64(JSON.stringify({ id: 'x', categoryId: 'other-category', title: 'T', resourceId: 'r', createdAt: 'c' })));
        default:
          return add('cursor', `cursor repeated on ${l.path}`, { target: `${l.path}${sep}cursor=${b64(JSON.stringify(l.keys))}&cursor=x` }, '4xx', { status: 400 });
      }
    },

    query: () => {
      const path = pick(['/api/resources', '/api/bookmarks']);
      const filter = path === '/api/resources' ? 'category' : pick(['resource', 'user']);
      const value = pick([
        () => pct(unicode(int(1, 40))),
        () => chars(int(1, 128)),
        () => chars(int(129, 3000)),
        () => pick(['', '%', '%zz', '%00', '%0D%0A', '%ED%A0%80', '%C0%AF', '%E2%80%AE', '..%2F..%2Fetc%2Fpasswd', '%25', '+', '%2B']),
        () => `${chars(3)}&${filter}=${chars(3)}`,
      ])();
      const extra = pick(['', '&', '&&&', `&${chars(4)}=${chars(4)}`, `&${chars(int(1, 8))}`, '&=&=', `&${pct(unicode(4))}=1`, '&a[b]=1', '&__proto__=x&constructor=y']);
      if (int(0, 9) === 0) {
        // Thousands of parameters: node:querystring keeps the first 1000, the rest are ignored.
        return listing(
          'query',
          `${filter} with ${int(1000, 1500)} junk parameters on ${path}`,
          path,
          `${filter}=${chars(6)}&${Array.from({ length: int(1000, 1500) }, (_, i) => `p${i}=1`).join('&')}`,
        );
      }
      if (int(0, 14) === 0) {
        // A request line beyond Node's header limit: refused with 431 before Express sees it.
        return add('query', `query string over 16 KiB on ${path}`, { target: `${path}?${filter}=${chars(int(17_000, 40_000))}` }, '4xx', { status: 431 });
      }
      listing('query', `${filter}=${value.slice(0, 24)} on ${path}`, path, `${filter}=${value}${extra}`);
    },

    path: () => {
      const id = pick([
        () => ({ seg: chars(LIMITS.maxId), status: 404, name: '128-character id' }),
        () => ({ seg: chars(int(129, 4000)), status: 400, name: 'id over 128 characters' }),
        () => ({ seg: pick(['..', '%2e%2e', '.', '%2E']), status: 404, name: 'dot segment as id' }),
        () => ({ seg: `${chars(3)}%2F${chars(3)}`, status: 404, name: 'encoded slash in id' }),
        () => ({ seg: `${chars(2)}%00${chars(2)}`, status: 400, name: 'NUL in id' }),
        () => ({ seg: pick(['%zz', '%', '%E0%A4%A', `${chars(2)}%G1`]), status: 400, name: 'invalid percent-encoding in id' }),
        () => ({ seg: pick(['%ED%A0%80', '%C0%AF', '%FF']), status: 400, name: 'invalid UTF-8 in id' }),
        () => ({ seg: pct(unicode(int(1, 30)).replace(/\p{Cc}/gu, '')) || 'x', status: 404, name: 'unicode id' }),
        () => ({ seg: `${chars(3)}%0A${chars(3)}`, status: 400, name: 'newline in id' }),
      ])();
      const shape = int(0, 5);
      if (shape <= 2) {
        const base = pick(['/api/categories', '/api/resources']);
        return add('path', `${id.name} on ${base}/:id`, { target: `${base}/${id.seg}` }, '4xx', { status: id.status });
      }
      const [target, expected, status] = pick<[string, ExpectedClass, number | undefined]>([
        // express.static falls through on its own 4xx (403 for `..`, 400 for bad encoding), ending in 404.
        ['/%2e%2e/%2e%2e/etc/passwd', '4xx', 404],
        ['/..%2f..%2fetc%2fpasswd', '4xx', undefined],
        ['/../../etc/passwd', '4xx', 404],
        ['/index.html%00.js', '4xx', undefined],
        ['/%00', '4xx', undefined],
        ['/%zz', '4xx', 404],
        ['//api//categories', '4xx', 404],
        ['/api/categories/a/b', '4xx', 404],
        ['/api\\categories', '4xx', 404],
        ['/api/nope', '4xx', 404],
        ['/.env', '4xx', 404],
        ['/.git/config', '4xx', 404],
        ['/service/src/app.ts', '4xx', 404],
        ['/server.js', '4xx', 404],
        ['/server.js.map', '4xx', 404],
        [`/${chars(int(2000, 8000))}`, '4xx', 404],
        ['/api/categories/', '2xx', 200],
        ['/API/CATEGORIES', '2xx', 200],
        ['/api/categories?', '2xx', 200],
        ['http://127.0.0.1/api/categories', '2xx', 200],
        ['*', '4xx', 404],
      ]);
      add('path', `path ${target.slice(0, 40)}`, { target }, expected, status === undefined ? {} : { status });
    },

    header: () => {
      const target = pick(['/api/categories', `/api/categories/${fx.categoryId}`, '/api/resources?limit=5']);
      const v = int(0, 16);
      if (v <= 3) {
        const bad = pick([
          () => chars(int(129, 2000)),
          () => Buffer.from(unicode(int(1, 20)).replace(/\p{Cc}/gu, 'x'), 'utf8'),
          () => pick(['', ' ', 'a b', 'a;b', '<script>', '../x', '${jndi:ldap://x}', '%0d%0aSet-Cookie: x=1']),
        ])();
        return add('header', 'malformed x-request-id', { target, headers: [['X-Request-Id', bad]] }, '2xx', { status: 200, badRequestId: true });
      }
      if (v <= 7) {
        const value = pick([
          () => 'Basic',
          () => 'Basic !!!',
          () => `Basic ${Buffer.from(chars(int(1, 40))).toString('base64')}`,
          () => `Basic ${Buffer.from(`stress:${chars(12)}`).toString('base64')}`,
          () => `Bearer ${chars(int(10, 200))}`,
          () => `Basic ${'A'.repeat(int(4000, 12_000))}`,
          () => Buffer.from(`Basic ${unicode(10).replace(/\p{Cc}/gu, 'x')}`, 'utf8'),
          () => `Basic  ${fx.authorization.slice(6)}`,
        ])();
        return add('header', 'bad Authorization', { target, noAuth: true, headers: [['Authorization', value]] }, '4xx', { status: 401 });
      }
      if (v === 8) return add('header', 'no Authorization', { target, noAuth: true }, '4xx', { status: 401 });
      if (v === 9)
        return add('header', 'lower-case basic scheme', { target, noAuth: true, headers: [['Authorization', `basic ${fx.authorization.slice(6)}`]] }, '2xx', { status: 200 });
      if (v === 10) return add('header', 'headers under 16 KiB in total', { target, headers: [['X-Padding', chars(int(6000, 12_000))]] }, '2xx', { status: 200 });
      if (v === 11) {
        return add(
          'header',
          'headers over 16 KiB in total',
          { target, headers: Array.from({ length: int(1, 4) }, (_, i) => [`X-Big-${i}`, chars(int(17_000, 30_000))] as const) },
          '4xx',
          {
            status: 431,
          },
        );
      }
      if (v === 12) return add('header', 'no Host header', { target, noHost: true }, '4xx', { status: 400 });
      if (v === 13) return add('header', 'invalid header name', { target, headers: [[pick(['Bad Header', '(x)', 'é', 'a"b', '{x}']), 'x']] }, '4xx', { status: 400 });
      if (v === 14)
        return add('header', 'control character in a header value', { target, headers: [['X-Junk', `a${pick(['\u0000', '\u0001', '\u007f', '\r'])}b`]] }, '4xx', { status: 400 });
      if (v === 15)
        return add('header', 'range beyond the end of a file', { target: '/app.js', headers: [['Range', `bytes=${int(10_000_000, 99_999_999)}-`]] }, '4xx', { status: 416 });
      return add(
        'header',
        'junk Accept, Accept-Encoding, If-None-Match',
        {
          target,
          headers: [
            ['Accept', chars(30)],
            ['Accept-Encoding', chars(20)],
            ['If-None-Match', chars(40)],
          ],
        },
        '2xx',
        { status: 200 },
      );
    },

    body: () => {
      const target = pick(['/api/categories', `/api/resources/${fx.resourceId}`, '/api/bookmarks', '/ready', '/']);
      const size = pick([0, int(1, 1024), int(LIMITS.bodyBytes + 1, 64 * 1024), int(256 * 1024, 1024 * 1024)]);
      const body = Buffer.from(pick([() => chars(size), () => '{'.repeat(size), () => `{"a":${'['.repeat(Math.max(0, size - 5))}`])());
      const contentType = pick(['application/json', 'application/x-www-form-urlencoded', 'text/plain', 'multipart/form-data; boundary=x', 'application/octet-stream']);
      const v = int(0, 5);
      if (v <= 2) {
        const method = pick(['POST', 'PUT', 'PATCH', 'DELETE']);
        return add('body', `${method} with a ${size}-byte body`, { method, target, headers: [['Content-Type', contentType]], body }, '4xx', { status: 405 });
      }
      if (v === 3) {
        const big = Buffer.from(chars(int(LIMITS.bodyBytes + 1, 512 * 1024)));
        return add('body', `GET with a ${big.length}-byte body`, { target, headers: [['Content-Type', contentType]], body: big }, '4xx', { status: 413 });
      }
      if (v === 4) {
        return add(
          'body',
          pick(['Content-Length: -1', 'Content-Length: abc', 'Content-Length and Transfer-Encoding', 'bad chunk size']),
          {
            target,
            headers: pick([
              [['Content-Length', '-1']],
              [['Content-Length', 'abc']],
              [
                ['Content-Length', '3'],
                ['Transfer-Encoding', 'chunked'],
              ],
              [['Transfer-Encoding', 'chunked']],
            ]),
            body: Buffer.from('zz\r\nabc\r\n0\r\n\r\n'),
          },
          '4xx',
          { status: 400 },
        );
      }
      return add('body', 'GET with a gzip body that is not gzip', { target, headers: [['Content-Encoding', 'gzip']], body: Buffer.from(chars(int(10, 200))) }, '4xx');
    },

    method: () => {
      const target = pick(['/api/categories', `/api/resources/${fx.resourceId}`, '/health', '/']);
      const v = int(0, 6);
      if (v === 0) return add('method', 'HEAD', { method: 'HEAD', target }, '2xx', { status: 200 });
      if (v === 1) return add('method', 'CONNECT', { method: 'CONNECT', target: '127.0.0.1:443' }, 'closed');
      if (v === 2) return add('method', 'lower-case get', { method: 'get', target }, '4xx', { status: 400 });
      if (v === 3) return add('method', 'HTTP/9.9', { target, version: 'HTTP/9.9' }, '4xx');
      if (v === 4) return add('method', 'HTTP/1.0', { target, version: 'HTTP/1.0' }, '2xx', { status: 200 });
      const method = pick(['OPTIONS', 'TRACE', 'PROPFIND', 'MKCOL', 'PURGE', 'SEARCH', 'LOCK', 'QUERY']);
      add('method', method, { method, target }, '4xx', { status: 405 });
    },
  };

  const kinds = Object.keys(generators) as BadInputKind[];
  for (let i = 0; cases.length < count; i++) generators[kinds[i % kinds.length]]();
  return cases;
}

/** What came back for one raw request. */
export interface RawResponse {
  /** Absent when the connection closed without a status line. */
  readonly status?: number;
  /** Header block and body as text (latin1), for leak checks. */
  readonly text: string;
  readonly headers: Readonly<Record<string, string>>;
  /** A socket error seen after or instead of the response (e.g. EPIPE while sending a large body). */
  readonly error?: string;
  readonly timedOut: boolean;
}

/** Sends raw bytes to `port` on loopback and reads until the server closes the connection. */
export function sendRaw(port: number, raw: Buffer, timeoutMs = 10_000): Promise<RawResponse> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    const chunks: Buffer[] = [];
    let error: string | undefined;
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      socket.destroy();
    }, timeoutMs);
    // write, not end: a half-closed socket makes Node abort the request before answering it.
    socket.on('connect', () => socket.write(raw));
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', (err: NodeJS.ErrnoException) => (error = err.code ?? err.message));
    socket.on('close', () => {
      clearTimeout(timer);
      const text = Buffer.concat(chunks).toString('latin1');
      const match = /^HTTP\/1\.[01] (\d{3})/.exec(text);
      const head = text.split('\r\n\r\n')[0];
      const headers = Object.fromEntries(
        head
          .split('\r\n')
          .slice(1)
          .map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]),
      );
      resolve({ ...(match ? { status: Number(match[1]) } : {}), text, headers, ...(error ? { error } : {}), timedOut });
    });
  });
}

/** The class of an outcome, in the terms of {@link ExpectedClass} (plus what must never happen). */
export function outcomeClass(r: RawResponse): ExpectedClass | '1xx' | '3xx' | '5xx' | 'timeout' {
  if (r.timedOut) return 'timeout';
  if (r.status === undefined) return 'closed';
  return `${Math.floor(r.status / 100)}xx` as ExpectedClass | '1xx' | '3xx' | '5xx';
}
