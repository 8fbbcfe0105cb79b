/** Listening with sane timeouts, and graceful shutdown that finishes in-flight requests before a deadline. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RequestListener } from 'node:http';
import type { Logger } from 'pino';

/** Server timeouts; keep-alive outlives the ALB's 60 s idle timeout so the ALB closes first (no 502s). */
export const SERVER_TIMEOUTS = {
  keepAliveTimeoutMs: 65_000,
  headersTimeoutMs: 66_000,
  requestTimeoutMs: 30_000,
} as const;

/** A listening server and the shutdown it will run on SIGTERM. */
export interface RunningServer {
  readonly server: http.Server;
  readonly port: number;
  /** True once shutdown has begun (the app uses it to fail /ready and close connections). */
  readonly isShuttingDown: () => boolean;
  /** Stops accepting, drains in-flight requests, and resolves true if they finished before the deadline. */
  shutdown(reason: string): Promise<boolean>;
}

/** Creates the HTTP server for `handler` and listens on `port` (0 picks a free one). */
export async function listen(handler: (isShuttingDown: () => boolean) => RequestListener, port: number, shutdownTimeoutMs: number, logger: Logger): Promise<RunningServer> {
  let shuttingDown = false;
  let draining: Promise<boolean> | undefined;
  const isShuttingDown = (): boolean => shuttingDown;
  const server = http.createServer(handler(isShuttingDown));
  // Responses not yet sent; at shutdown they switch to `Connection: close` (see shutdown below).
  const pending = new Set<http.ServerResponse>();
  // A keep-alive connection busy when shutdown began becomes idle once its response ends; close it
  // then, or server.close() would wait for the client to hang up (or for the deadline).
  server.on('request', (_req, res: http.ServerResponse) => {
    pending.add(res);
    res.once('close', () => pending.delete(res));
    res.once('finish', () => {
      pending.delete(res);
      if (shuttingDown) setImmediate(() => server.closeIdleConnections());
    });
  });
  server.keepAliveTimeout = SERVER_TIMEOUTS.keepAliveTimeoutMs;
  server.headersTimeout = SERVER_TIMEOUTS.headersTimeoutMs;
  server.requestTimeout = SERVER_TIMEOUTS.requestTimeoutMs;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, () => {
      server.off('error', reject);
      resolve();
    });
  });

  const shutdown = (reason: string): Promise<boolean> => {
    if (draining !== undefined) return draining;
    shuttingDown = true;
    // In-flight responses must announce `Connection: close`: one that says keep-alive and is then
    // closed invites the client (or the ALB) to send its next request into a reset, which the ALB
    // turns into a 502. Told to close, the client opens a new connection elsewhere instead.
    for (const res of pending) if (!res.headersSent) res.shouldKeepAlive = false;
    logger.info({ reason, deadlineMs: shutdownTimeoutMs, inFlight: pending.size }, 'shutting down: draining in-flight requests');
    draining = new Promise<boolean>((resolve) => {
      const deadline = setTimeout(() => {
        logger.warn({ deadlineMs: shutdownTimeoutMs }, 'shutdown deadline reached; closing remaining connections');
        server.closeAllConnections();
        resolve(false);
      }, shutdownTimeoutMs);
      deadline.unref();
      // close() stops accepting at once and resolves when the last connection ends; idle keep-alive
      // connections are closed now, busy ones after their response (the app sets Connection: close).
      server.close(() => {
        clearTimeout(deadline);
        resolve(true);
      });
      server.closeIdleConnections();
    });
    return draining;
  };

  return { server, port: (server.address() as AddressInfo).port, isShuttingDown, shutdown };
}
