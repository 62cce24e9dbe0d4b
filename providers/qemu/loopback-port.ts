import net from 'node:net';

/** The address every machine's SSH forward listens on: loopback only, never another interface. */
export const forwardHost = '127.0.0.1';

/**
 * A loopback port nothing listens on right now, as the kernel hands them out (bind to port
 * 0, read it, close). It is only a candidate: another process may take it before QEMU
 * binds it, so the launch treats "could not set up host forwarding rule" as "pick another
 * port" (see `launchMachine`). QEMU's own bind is what makes the port the machine's: while
 * it runs, no other machine (of any environment, or any program) can have it.
 */
export function candidatePort(host: string = forwardHost): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen({ host, port: 0, exclusive: true }, () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => { resolve(port); });
    });
  });
}
