import type http from 'node:http';
import type { AddressInfo, Server } from 'node:net';

/** Starts `server` on a free port of 127.0.0.1 (tests never listen further out) and returns the port. */
export async function listenOnLoopback(server: Server): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  return (server.address() as AddressInfo).port;
}

/**
 * Stops `server` and cuts its open connections at once: the AWS SDK keeps connections
 * alive, and without the cut, close would wait for them to idle out. `cut` replaces the
 * HTTP server's own (a proxy cuts its tunnels too).
 */
export function closeServer(server: http.Server | Server, cut?: () => void): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.close((error) => {
      if (error === undefined) resolve();
      else reject(error);
    });
    if (cut !== undefined) cut();
    else if ('closeAllConnections' in server) server.closeAllConnections();
  });
}
