import { setMaxListeners } from 'node:events';
import { performance } from 'node:perf_hooks';
import {
  connectSsh,
  formatAddress,
  generateSshKeyPair,
  readNonceState,
  waitSSH,
  type Address,
  type RefreshableInstance,
  type SshKeyPair,
} from '../src/index.js';
import { SshTestHost, closedPort, startTarpit } from '../src/testing/index.js';
import { quantile } from './harness.js';

const client = generateSshKeyPair();
const hostKey = generateSshKeyPair();
const nonce = 'bench-nonce';

/** Bad addresses of every kind, cycling: refused, tarpit, wrong host key, wrong nonce, no nonce, key refused. */
async function badAddresses(count: number): Promise<{ addresses: Address[]; stop: () => Promise<void> }> {
  const stops: (() => Promise<void>)[] = [];
  const addresses: Address[] = [];
  const stranger = generateSshKeyPair();
  for (let i = 0; i < count; i += 1) {
    const kind = i % 6;
    if (kind === 0) {
      addresses.push({ value: '127.0.0.1', port: await closedPort(), scope: 'public' });
      continue;
    }
    if (kind === 1) {
      const tarpit = await startTarpit();
      stops.push(() => tarpit.stop());
      addresses.push({ value: tarpit.host, port: tarpit.port, scope: 'public' });
      continue;
    }
    const params = [
      { authorizedKeys: [client.publicKey], nonce },
      { authorizedKeys: [client.publicKey], nonce: 'another', hostKey },
      { authorizedKeys: [client.publicKey], hostKey },
      { authorizedKeys: [stranger.publicKey], nonce, hostKey },
    ][kind - 2] as Parameters<typeof SshTestHost.start>[0];
    const host = await SshTestHost.start(params);
    stops.push(() => host.stop());
    addresses.push({ value: host.hostname, port: host.port, scope: 'cloud-local' });
  }
  return {
    addresses,
    stop: async () => {
      await Promise.all(stops.map((s) => s()));
    },
  };
}

interface Trial {
  readonly delayMs: number;
  readonly reactionMs: number;
}

type Waiter = (params: { instance: RefreshableInstance; hostKeys: string[]; signal: AbortSignal }) => Promise<{ close(): void; address: Address }>;

/** One trial: the right machine's SSH starts after `delayMs`; how long until the waiter has it? */
async function trial(waiter: Waiter, bad: readonly Address[], delayMs: number): Promise<Trial> {
  const port = await closedPort();
  const right: Address = { value: '127.0.0.1', port, scope: 'public' };
  const addresses = [...bad];
  addresses.splice(Math.floor(Math.random() * (addresses.length + 1)), 0, right);
  const instance: RefreshableInstance = { id: 'bench', refresh: () => Promise.resolve({ status: 'running', addresses }) };
  let upAt = 0;
  let host: SshTestHost | undefined;
  const starter = setTimeout(() => {
    void SshTestHost.start({ authorizedKeys: [client.publicKey], hostKey, nonce, port }).then((h) => {
      upAt = performance.now();
      host = h;
    });
  }, delayMs);
  const controller = new AbortController();
  // The reference waiter hangs one connection per address on this signal.
  setMaxListeners(0, controller.signal);
  try {
    const won = await waiter({ instance, hostKeys: [hostKey.publicKey], signal: controller.signal });
    const doneAt = performance.now();
    won.close();
    if (formatAddress(won.address) !== formatAddress(right)) throw new Error('the wrong machine won');
    return { delayMs, reactionMs: doneAt - upAt };
  } finally {
    clearTimeout(starter);
    controller.abort();
    await host?.stop();
  }
}

const envbootWaiter: Waiter = async ({ instance, hostKeys, signal }) => {
  const result = await waitSSH({ instance, user: 'root', privateKey: client.privateKey, hostKeys, nonce, signal, timeoutMs: 60_000 });
  return { close: () => { result.connection.close(); }, address: result.address };
};

/**
 * The reference: Juju's WaitSSH cadence. Addresses refreshed every 10 s; each address
 * tried every 5 s; an attempt has no short connect timeout (Juju sets none).
 */
const jujuCadenceWaiter: Waiter = ({ instance, hostKeys, signal }) =>
  new Promise((resolve, reject) => {
    const tried = new Set<string>();
    const timers: NodeJS.Timeout[] = [];
    const state = { done: false };
    const finished = (): boolean => state.done;
    const attempt = async (address: Address): Promise<void> => {
      while (!state.done && !signal.aborted) {
        try {
          const connection = await connectSsh({ host: address.value, port: address.port ?? 22, user: 'root', privateKey: client.privateKey, hostKeys, connectTimeoutMs: 120_000, signal });
          const found = await readNonceState({ connection, nonce, nonceFile: '/var/lib/envboot/nonce', signal });
          if (found === 'match' && !finished()) {
            state.done = true;
            timers.forEach(clearTimeout);
            resolve({ close: () => { connection.close(); }, address });
            return;
          }
          connection.close();
        } catch {
          // try again at the next tick
        }
        await new Promise((r) => timers.push(setTimeout(r, 5_000)));
      }
    };
    const refresh = async (): Promise<void> => {
      if (state.done || signal.aborted) return;
      try {
        for (const address of (await instance.refresh({ signal })).addresses) {
          if (!tried.has(formatAddress(address))) {
            tried.add(formatAddress(address));
            void attempt(address);
          }
        }
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
      }
      timers.push(setTimeout(() => void refresh(), 10_000));
    };
    void refresh();
  });

async function handshakeBaseline(): Promise<number> {
  const host = await SshTestHost.start({ authorizedKeys: [client.publicKey], hostKey, nonce });
  const times: number[] = [];
  try {
    for (let i = 0; i < 23; i += 1) {
      const start = performance.now();
      const connection = await connectSsh({ host: host.hostname, port: host.port, user: 'root', privateKey: client.privateKey, hostKeys: [hostKey.publicKey] });
      await readNonceState({ connection, nonce, nonceFile: '/var/lib/envboot/nonce', signal: new AbortController().signal });
      connection.close();
      if (i >= 3) times.push(performance.now() - start);
    }
  } finally {
    await host.stop();
  }
  return quantile(times.sort((a, b) => a - b), 0.5);
}

function summary(trials: readonly Trial[]): { median: number; p95: number } {
  const sorted = trials.map((t) => t.reactionMs).sort((a, b) => a - b);
  return { median: quantile(sorted, 0.5), p95: quantile(sorted, 0.95) };
}

export async function benchWaitSsh(params: { runs?: number; referenceRuns?: number } = {}): Promise<void> {
  const runs = params.runs ?? 30;
  const referenceRuns = params.referenceRuns ?? 10;
  const handshake = await handshakeBaseline();
  console.log(`\nwaitSSH reaction time (resolved − right machine's SSH up; start delay uniform 100–1000 ms)`);
  console.log(`  one SSH handshake + nonce check on loopback: median ${handshake.toFixed(1)} ms → target median ≤ ${(handshake + 150).toFixed(0)} ms, and ≥ 10× the reference`);
  console.log(`  ${'bad addresses'.padEnd(14)} ${'envboot median'.padStart(15)} ${'p95'.padStart(8)} ${'reference median'.padStart(17)} ${'p95'.padStart(8)} ${'ratio'.padStart(7)}`);
  for (const count of [0, 4, 16]) {
    const bad = await badAddresses(count);
    try {
      const ours: Trial[] = [];
      for (let i = 0; i < runs; i += 1) ours.push(await trial(envbootWaiter, bad.addresses, 100 + Math.random() * 900));
      // Reference trials are timer-bound (seconds), so they run side by side.
      const theirs = await Promise.all(
        Array.from({ length: referenceRuns }, () => trial(jujuCadenceWaiter, bad.addresses, 100 + Math.random() * 900)),
      );
      const a = summary(ours);
      const b = summary(theirs);
      console.log(
        `  ${String(count).padEnd(14)} ${`${a.median.toFixed(1)} ms`.padStart(15)} ${`${a.p95.toFixed(0)} ms`.padStart(8)} ${`${b.median.toFixed(0)} ms`.padStart(17)} ${`${b.p95.toFixed(0)} ms`.padStart(8)} ${`${(b.median / a.median).toFixed(0)}x`.padStart(7)}`,
      );
    } finally {
      await bad.stop();
    }
  }
}

export type { SshKeyPair };
