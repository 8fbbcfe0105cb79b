/**
 * Answers the service gives before reading a request's body (405 to a write, 401 without
 * credentials, 413 to an oversized GET body) go out once the body has arrived, so that closing the
 * connection after them (the client asked for it) never resets a client that is still sending:
 * the reset would make the client drop the answer. A client that stops sending mid-body gets its
 * answer after a second without data. Raw sockets, because an HTTP client library sends the whole
 * body before it reads anything.
 */
import * as http from 'node:http';
import * as net from 'node:net';
import { DRAIN_LIMITS } from '../../service/src/drain';
import { createTestApp } from '../support/service-app';

jest.setTimeout(30_000);

// None of these answers reads a table: the DynamoDB is never asked.
const NAMES = { category: 'c', resource: 'r', bookmark: 'b', resourceCategoryIndex: 'byCategory', bookmarkResourceIndex: 'byResource' };
const credentials = { user: 'reader', password: 'correct horse battery staple' };
let open: http.Server;
let secured: http.Server;

const listen = async (app: http.RequestListener): Promise<http.Server> => {
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
};
const portOf = (server: http.Server): number => (server.address() as net.AddressInfo).port;

beforeAll(async () => {
  open = await listen(createTestApp({ endpoint: 'http://127.0.0.1:1', names: NAMES }).app);
  secured = await listen(createTestApp({ endpoint: 'http://127.0.0.1:1', names: NAMES, basicAuth: credentials }).app);
});

afterAll(async () => {
  for (const server of [open, secured]) await new Promise((resolve) => server?.close(resolve));
});

/** What a client saw that sent the head and the first half of a body, paused, then (unless `stopAfterHalf`) sent the rest. */
interface Exchange {
  /** The answer's status code, once it came. */
  readonly status?: string;
  /** Whether any answer had arrived during the pause. */
  readonly answeredDuringPause: boolean;
  /** Milliseconds from the first half to the answer. */
  readonly answerMs: number;
  readonly error?: string;
}

async function sendInTwoHalves(port: number, method: string, options: { pauseMs: number; stopAfterHalf?: boolean; bodyBytes?: number }): Promise<Exchange> {
  const body = Buffer.alloc(options.bodyBytes ?? 200_000, 'a');
  const head = `${method} /api/categories HTTP/1.1\r\nHost: localhost\r\nContent-Type: text/plain\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n`;
  const socket = net.connect({ host: '127.0.0.1', port });
  await new Promise<void>((resolve) => socket.once('connect', resolve));
  let received = '';
  let answeredAt: number | undefined;
  let error: string | undefined;
  socket.on('data', (chunk: Buffer) => {
    answeredAt ??= performance.now();
    received += chunk.toString('latin1');
  });
  socket.on('error', (err: NodeJS.ErrnoException) => (error = err.code ?? err.message));
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  const started = performance.now();
  socket.write(Buffer.concat([Buffer.from(head), body.subarray(0, body.length / 2)]));
  await new Promise((resolve) => setTimeout(resolve, options.pauseMs));
  const answeredDuringPause = received.length > 0;
  if (!options.stopAfterHalf) socket.write(body.subarray(body.length / 2));
  await closed;
  const status = /^HTTP\/1\.1 (\d{3})/.exec(received)?.[1];
  return {
    ...(status === undefined ? {} : { status }),
    answeredDuringPause,
    answerMs: (answeredAt ?? performance.now()) - started,
    ...(error ? { error } : {}),
  };
}

test('a write gets its 405 once its whole body has arrived, not while it is still being sent', async () => {
  const exchange = await sendInTwoHalves(portOf(open), 'PATCH', { pauseMs: 300 });
  expect(exchange).toEqual({ status: '405', answeredDuringPause: false, answerMs: expect.any(Number) });
});

test('a request without credentials gets its 401 once its whole body has arrived', async () => {
  const exchange = await sendInTwoHalves(portOf(secured), 'POST', { pauseMs: 300 });
  expect(exchange).toEqual({ status: '401', answeredDuringPause: false, answerMs: expect.any(Number) });
});

test('a GET body over the limit gets its 413 once its whole body has arrived', async () => {
  const exchange = await sendInTwoHalves(portOf(open), 'GET', { pauseMs: 300 });
  expect(exchange).toEqual({ status: '413', answeredDuringPause: false, answerMs: expect.any(Number) });
});

test('a client that stops sending mid-body gets its answer after a second without data', async () => {
  const exchange = await sendInTwoHalves(portOf(open), 'PUT', { pauseMs: DRAIN_LIMITS.idleMs + 1_500, stopAfterHalf: true });
  expect({ status: exchange.status, afterTheIdleBound: exchange.answerMs >= DRAIN_LIMITS.idleMs, beforeThePauseEnded: exchange.answeredDuringPause }).toEqual({
    status: '405',
    afterTheIdleBound: true,
    beforeThePauseEnded: true,
  });
});
