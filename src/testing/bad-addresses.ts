import net from 'node:net';

/** A listening socket that accepts TCP connections and never says a word: SSH hangs on it. */
export interface Tarpit {
  readonly host: string;
  readonly port: number;
  stop(): Promise<void>;
}

/** Starts a tarpit on a loopback address. Stop it to close every connection it holds. */
export async function startTarpit(params: { host?: string } = {}): Promise<Tarpit> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  });
  const host = params.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => {
      resolve();
    });
  });
  return {
    host,
    port: (server.address() as net.AddressInfo).port,
    stop: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => {
          resolve();
        });
      }),
  };
}

/** A loopback port nothing listens on (it was free a moment ago): connecting is refused. */
export async function closedPort(params: { host?: string } = {}): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, params.host ?? '127.0.0.1', () => {
      resolve();
    });
  });
  const port = (server.address() as net.AddressInfo).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
