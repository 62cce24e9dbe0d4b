import { randomInt } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import net from 'node:net';

/** Two listening sockets of one machine: the same port on two loopback addresses of its own. */
export interface LoopbackPair {
  readonly servers: readonly net.Server[];
  /** The public address first, then the cloud-local one. */
  readonly addresses: readonly [string, string];
  readonly port: number;
}

export interface ListenOnLoopbackPairParams {
  readonly onConnection: (socket: net.Socket) => void;
  /** The addresses and port the machine had before (after an agent restart): tried first. */
  readonly preferred?: { readonly addresses: readonly string[]; readonly port: number };
  /** Addresses other machines of this agent use. */
  readonly taken: ReadonlySet<string>;
}

const attempts = 20;

/**
 * Listens on two random addresses in 127.1.0.1–127.254.255.254 (never 127.0.x.x, where
 * 127.0.0.1 and Debian's 127.0.1.1 live), on one port. An address another listener
 * holds (another machine, another environment's agent) fails to bind and another is
 * picked.
 */
export async function listenOnLoopbackPair(params: ListenOnLoopbackPairParams): Promise<LoopbackPair> {
  // Addresses with a listener on any port belong to someone else, even where our port would be free.
  const options = { ...params, taken: new Set([...params.taken, ...(await listeningAddresses())]) };
  const preferred = options.preferred;
  if (preferred !== undefined && preferred.addresses.length === 2) {
    const [first, second] = preferred.addresses as [string, string];
    const pair = await bothOrNone(options, first, second, preferred.port);
    if (pair !== undefined) return pair;
  }
  for (let i = 0; i < attempts; i++) {
    const first = randomLoopback(options.taken);
    const server = await listen(options, first, 0).catch(() => undefined);
    if (server === undefined) continue;
    const port = (server.address() as net.AddressInfo).port;
    for (let j = 0; j < attempts; j++) {
      const second = randomLoopback(new Set([...options.taken, first]));
      const other = await listen(options, second, port).catch(() => undefined);
      if (other !== undefined) return { servers: [server, other], addresses: [first, second], port };
    }
    await closeServer(server);
  }
  throw new Error(`no two free loopback addresses found for the machine's SSH server after ${attempts} tries`);
}

/** Stops listening; connections already accepted are the caller's to end. */
export function closeServer(server: net.Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => { resolve(); });
  });
}

async function bothOrNone(params: ListenOnLoopbackPairParams, first: string, second: string, port: number): Promise<LoopbackPair | undefined> {
  if (params.taken.has(first) || params.taken.has(second)) return undefined;
  const one = await listen(params, first, port).catch(() => undefined);
  if (one === undefined) return undefined;
  const two = await listen(params, second, port).catch(() => undefined);
  if (two !== undefined) return { servers: [one, two], addresses: [first, second], port };
  await closeServer(one);
  return undefined;
}

function listen(params: ListenOnLoopbackPairParams, host: string, port: number): Promise<net.Server> {
  const server = net.createServer({ noDelay: true }, params.onConnection);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port, exclusive: true }, () => {
      server.off('error', reject);
      server.on('error', () => undefined);
      resolve(server);
    });
  });
}

/** IPv4 addresses with a listening TCP socket in this network namespace, from /proc/net/tcp. */
async function listeningAddresses(): Promise<string[]> {
  const table = await readFile('/proc/net/tcp', 'utf8').catch(() => '');
  return table
    .split('\n')
    .slice(1)
    .map((line) => line.trim().split(/\s+/))
    .filter((fields) => fields[3] === '0A')
    .map((fields) => {
      const hex = (fields[1] ?? '').split(':')[0] ?? '';
      const bytes = [6, 4, 2, 0].map((at) => parseInt(hex.slice(at, at + 2), 16));
      return bytes.join('.');
    });
}

function randomLoopback(taken: ReadonlySet<string>): string {
  for (;;) {
    const address = `127.${randomInt(1, 255)}.${randomInt(0, 256)}.${randomInt(1, 255)}`;
    if (!taken.has(address)) return address;
  }
}
