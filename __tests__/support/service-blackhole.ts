/** A TCP server that accepts connections and never answers: a DynamoDB that hangs. */
import * as net from 'node:net';

/** A listening black hole; `stop()` destroys every accepted socket. */
export interface BlackHole {
  readonly endpoint: string;
  stop(): Promise<void>;
}

/** Starts a black hole on a free loopback port. */
export async function startBlackHole(): Promise<BlackHole> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
