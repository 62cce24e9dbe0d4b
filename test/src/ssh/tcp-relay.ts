import net from 'node:net';

/**
 * A TCP relay in front of an SSH server, standing in for the way a machine's server goes
 * away: `cut` resets every relayed connection and stops listening (the server's process
 * died; connecting is refused), `listen` comes back on the same address and port (a new
 * process took over), and `silence` keeps the connections open but passes nothing more
 * either way (a frozen server, a dropped network): only keepalive can notice that.
 */
export interface TcpRelay {
  readonly host: string;
  readonly port: number;
  /** Connections relayed so far. */
  readonly accepted: number;
  /** Resets every relayed connection and stops listening. */
  cut(): Promise<void>;
  /** Listens again on the same address and port. */
  listen(): Promise<void>;
  /** Passes nothing more on the connections relayed so far; new ones are relayed as usual. */
  silence(): void;
  /**
   * Resolves once no byte has passed either way for `quietMs`, and then cuts: with a
   * client that polls, the cut lands between two of its requests, not during one.
   */
  cutWhenQuiet(quietMs: number): Promise<void>;
  stop(): Promise<void>;
}

interface Pair {
  readonly inbound: net.Socket;
  readonly outbound: net.Socket;
  silenced: boolean;
}

export async function startTcpRelay(target: { hostname: string; port: number }): Promise<TcpRelay> {
  const pairs = new Set<Pair>();
  const sockets = new Set<net.Socket>();
  let lastTraffic = Date.now();
  let accepted = 0;
  const relay = (inbound: net.Socket): void => {
    accepted += 1;
    const outbound = net.connect(target.port, target.hostname);
    const pair: Pair = { inbound, outbound, silenced: false };
    pairs.add(pair);
    const pass = (from: net.Socket, to: net.Socket): void => {
      sockets.add(from);
      from.on('error', () => undefined);
      from.on('data', (chunk: Buffer) => {
        if (pair.silenced) return;
        lastTraffic = Date.now();
        to.write(chunk);
      });
      from.on('close', () => {
        sockets.delete(from);
        pairs.delete(pair);
        if (!pair.silenced) to.destroy();
      });
    };
    pass(inbound, outbound);
    pass(outbound, inbound);
  };
  let server = net.createServer(relay);
  const host = target.hostname;
  await listenOn(server, host, 0);
  const port = (server.address() as net.AddressInfo).port;
  const cut = async (): Promise<void> => {
    for (const pair of pairs) {
      pair.inbound.resetAndDestroy();
      pair.outbound.destroy();
    }
    pairs.clear();
    if (server.listening) await new Promise((resolve) => server.close(resolve));
  };
  return {
    host,
    port,
    get accepted() { return accepted; },
    cut,
    listen: async () => {
      server = net.createServer(relay);
      await listenOn(server, host, port);
    },
    silence: () => {
      for (const pair of pairs) pair.silenced = true;
    },
    cutWhenQuiet: async (quietMs) => {
      while (Date.now() - lastTraffic < quietMs) await new Promise((resolve) => setTimeout(resolve, 2));
      await cut();
    },
    stop: async () => {
      for (const socket of sockets) socket.destroy();
      if (server.listening) await new Promise((resolve) => server.close(resolve));
    },
  };
}

function listenOn(server: net.Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}
