/**
 * An answer sent while the client is still sending its request body can be lost. After an early
 * answer (401, 405) the connection closes when the client asked for that, and closing a socket
 * with unread data makes the kernel send a reset, on which the client drops what it had not read
 * yet: it sees a reset instead of the status. So an answer given before the body was read waits
 * until the rest of the body has arrived (and is dropped), within bounds: the body's first
 * megabyte, and a second without data. Beyond them the answer goes out at once, and an upload that
 * large or that slow may see the reset. (The body parser's own answers, 413 and 400, already wait
 * for the whole body.)
 */
import type { IncomingMessage } from 'node:http';

/** How much of an unread body is read, and how long a silent client is waited for, before an early answer. */
export const DRAIN_LIMITS = { bytes: 1024 * 1024, idleMs: 1_000 } as const;

/** Resolves once `req`'s body has been read to its end and dropped, or a bound of `limits` was reached. */
export function whenBodyRead(req: IncomingMessage, limits: { readonly bytes: number; readonly idleMs: number } = DRAIN_LIMITS): Promise<void> {
  if (req.complete || req.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    let read = 0;
    let timer: NodeJS.Timeout | undefined;
    const finish = (): void => {
      clearTimeout(timer);
      req.off('data', onData).off('end', finish).off('close', finish).off('error', finish);
      resolve();
    };
    const waitForData = (): void => {
      clearTimeout(timer);
      timer = setTimeout(finish, limits.idleMs);
    };
    const onData = (chunk: Buffer): void => {
      read += chunk.length;
      if (read > limits.bytes) {
        req.pause();
        finish();
      } else waitForData();
    };
    req.on('data', onData).once('end', finish).once('close', finish).once('error', finish);
    waitForData();
    req.resume();
  });
}
