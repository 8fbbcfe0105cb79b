/**
 * Graceful shutdown at the HTTP level: a response in flight when draining begins tells its client
 * to close the connection, so the client's next request goes to a new connection (refused here, a
 * healthy target behind an ALB) instead of into a reset. Found by the rolling-stop stress test.
 */
import * as http from 'node:http';
import { listen, type RunningServer } from '../../service/src/lifecycle';
import { createLogger } from '../../service/src/logger';

let running: RunningServer;
let agent: http.Agent;
/** Releases the request the handler is holding. */
let release: (() => void) | undefined;
let received: () => void;
let arrived: Promise<void>;

beforeEach(async () => {
  arrived = new Promise<void>((resolve) => (received = resolve));
  running = await listen(
    () => (_req, res) => {
      release = () => {
        if (!res.headersSent) res.setHeader('Content-Type', 'application/json').end('{"ok":true}');
      };
      received();
    },
    0,
    5000,
    createLogger('silent'),
  );
  agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
});

afterEach(async () => {
  release?.();
  agent.destroy();
  await running.shutdown('test over');
});

function get(): Promise<{ status?: number; connection?: string; error?: string }> {
  return new Promise((resolve) => {
    http
      .get(`http://127.0.0.1:${running.port}/`, { agent }, (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode, connection: res.headers.connection }));
      })
      .on('error', (err: NodeJS.ErrnoException) => resolve({ error: err.code }));
  });
}

describe('a response in flight when shutdown begins', () => {
  test('without shutdown, the same response keeps the connection alive', async () => {
    const response = get();
    await arrived;
    release!();
    expect(await response).toEqual({ status: 200, connection: 'keep-alive' });
  });

  test('is sent with Connection: close', async () => {
    // Given a request the handler is still working on
    const response = get();
    await arrived;
    // When shutdown begins and the handler then answers
    const drained = running.shutdown('SIGTERM');
    release!();
    // Then the response tells the client to close, and the drain completes
    expect(await response).toEqual({ status: 200, connection: 'close' });
    expect(await drained).toBe(true);
  });

  test("the client's next request is refused on a new connection, not reset on the old one", async () => {
    const response = get();
    await arrived;
    const drained = running.shutdown('SIGTERM');
    release!();
    await response;
    await drained;
    expect(await get()).toEqual({ error: 'ECONNREFUSED' });
  });
});
