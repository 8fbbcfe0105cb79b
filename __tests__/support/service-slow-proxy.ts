/**
 * An HTTP proxy in front of DynamoDB that holds each request for `delayMs`, or until `release()` after
 * `hold()`: a slow dependency, or one a test decides when to answer.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

/** A running slow proxy; change `delayMs` between tests. */
export interface SlowProxy {
  readonly endpoint: string;
  delayMs: number;
  /** Requests received so far (lets a test wait until one is in flight). */
  readonly received: number;
  /** Holds every request from now on until `release()`, whatever the time it takes the test to act. */
  hold(): void;
  /** Lets the held requests (and every later one) go on after their `delayMs`. */
  release(): void;
  stop(): Promise<void>;
}

/** Starts a proxy to `target` (e.g. dynalite's endpoint) on a free loopback port. */
export async function startSlowProxy(target: string, delayMs: number): Promise<SlowProxy> {
  const upstream = new URL(target);
  const state = { delayMs, received: 0 };
  const timers = new Set<NodeJS.Timeout>();
  let gate: { opened: Promise<void>; open: () => void } | undefined;
  const server = http.createServer((req, res) => {
    state.received += 1;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      await gate?.opened;
      const timer = setTimeout(() => {
        timers.delete(timer);
        const forward = http.request({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers }, (up) => {
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
        });
        forward.on('error', () => res.destroy());
        forward.end(Buffer.concat(chunks));
      }, state.delayMs);
      timers.add(timer);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    get delayMs() {
      return state.delayMs;
    },
    set delayMs(ms: number) {
      state.delayMs = ms;
    },
    get received() {
      return state.received;
    },
    hold() {
      let open = (): void => undefined;
      const opened = new Promise<void>((resolve) => (open = resolve));
      gate = { opened, open };
    },
    release() {
      gate?.open();
      gate = undefined;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        for (const timer of timers) clearTimeout(timer);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
