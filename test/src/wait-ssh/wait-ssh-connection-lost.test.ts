import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { generateSshKeyPair, waitSSH, type SshKeyPair, type WaitSshEvent, type WaitSshParams, type WaitSshTunables } from '../../../src/index.js';
import { SshTestHost } from '../../../src/testing/index.js';
import { startTcpRelay, type TcpRelay } from '../ssh/tcp-relay.js';
import { scriptedInstance } from './fixtures.js';

const client = generateSshKeyPair({ comment: 'client' });
const deadlineMs = 60_000;
let hostKey: SshKeyPair;
let machine: SshTestHost;
let relay: TcpRelay;
// Stops a wait that a failing test left running, so that it cannot hold the process to its deadline.
let stop: AbortController;
/** A broken wait fails the test here instead of hanging it. */
const limit = { timeout: 20_000 };

/**
 * As on a cloud: the image's non-root default user, whose nonce read goes through sudo
 * (a private system needs root to make; elsewhere the machine is logged into as root).
 */
const user = process.getuid?.() === 0 || process.env['CI'] === 'true' ? 'debian' : 'root';

// A machine still booting (no nonce yet) behind a relay that plays its SSH server's process.
beforeEach(async () => {
  hostKey = generateSshKeyPair({ comment: 'machine' });
  machine = await SshTestHost.start({ authorizedKeys: [client.publicKey], hostKey, ...(user === 'root' ? {} : { defaultUser: user }) });
  relay = await startTcpRelay(machine);
  stop = new AbortController();
});
// Other hosts a test started, stopped after it even when it timed out.
const alsoStarted: SshTestHost[] = [];
afterEach(async () => {
  stop.abort();
  for (const host of alsoStarted.splice(0)) await host.stop();
  await relay.stop();
  await machine.stop();
});

interface Watched {
  readonly result: ReturnType<typeof waitSSH>;
  readonly events: WaitSshEvent[];
  /** Resolves with the first failure event of this reason. */
  failure(reason: string): Promise<void>;
}

function watchWait(nonce: string, tunables: WaitSshTunables = {}, route: Pick<WaitSshParams, 'jumpHost'> & { address?: { value: string; port: number } } = {}): Watched {
  const events: WaitSshEvent[] = [];
  const waiters: { reason: string; resolve: () => void }[] = [];
  const params: WaitSshParams = {
    instance: scriptedInstance({ status: 'running', addresses: [{ ...(route.address ?? { value: relay.host, port: relay.port }), scope: 'public' }] }),
    ...(route.jumpHost === undefined ? {} : { jumpHost: route.jumpHost }),
    user,
    privateKey: client.privateKey,
    hostKeys: [hostKey.publicKey],
    nonce,
    timeoutMs: deadlineMs,
    tunables: { connectTimeoutMs: 2_000, ...tunables },
    signal: stop.signal,
    onEvent: (event) => {
      events.push(event);
      for (const waiter of waiters) if (event.type === 'wait-ssh.attempt-failed' && event.reason === waiter.reason) waiter.resolve();
    },
  };
  const result = waitSSH(params);
  result.catch(() => undefined);
  return {
    result,
    events,
    failure: (reason) =>
      new Promise((resolve) => {
        if (events.some((e) => e.type === 'wait-ssh.attempt-failed' && e.reason === reason)) resolve();
        else waiters.push({ reason, resolve });
      }),
  };
}

function failedWith(wait: Watched, reason: string): boolean {
  return wait.events.some((e) => e.type === 'wait-ssh.attempt-failed' && e.reason === reason);
}

/** The server comes back with the machine booted: as a new local agent adopting the machine. */
async function serverBackBooted(nonce: string): Promise<number> {
  await machine.writeNonce(nonce);
  await relay.listen();
  return Date.now();
}

describe('waitSSH when the machine\'s SSH server goes away during the wait', () => {
  it('reconnects when the server dies while a nonce read waits on the machine, and finds it as soon as it is back', limit, async (t) => {
    const nonce = `nonce-${Math.random()}`;
    // The nonce read waits 30 s on the machine, and reads are at most 250 ms apart: after
    // 300 ms without a byte either way, one is surely waiting.
    const wait = watchWait(nonce, { nonceWaitMs: 30_000 });
    await wait.failure('no-nonce-yet');
    await relay.cutWhenQuiet(300);
    const cutAt = Date.now();
    // Refused: the wait made a new connect, so it noticed.
    await wait.failure('unreachable');
    const noticedMs = Date.now() - cutAt;
    const backAt = await serverBackBooted(nonce);
    const { connection, attempts } = await wait.result;
    connection.close();
    const foundMs = Date.now() - backAt;
    t.diagnostic(`noticed the cut after ${noticedMs} ms; found ${foundMs} ms after the server came back`);
    assert.ok(noticedMs < 1_000, `noticed the cut after ${noticedMs} ms`);
    assert.ok(foundMs < 2_000, `found ${foundMs} ms after the server came back (deadline ${deadlineMs} ms)`);
    assert.ok(attempts > 1, 'a new connection was made');
    assert.ok(failedWith(wait, 'connection-lost'), 'the loss was reported as such');
  });

  it('reconnects when the server dies between two nonce reads', limit, async (t) => {
    const nonce = `nonce-${Math.random()}`;
    // Reads answer at once, so the wait spends its time between them, where the cut lands.
    const wait = watchWait(nonce, { nonceWaitMs: 0 });
    await wait.failure('no-nonce-yet');
    await relay.cutWhenQuiet(30);
    const backAt = await serverBackBooted(nonce);
    const { connection } = await wait.result;
    connection.close();
    const foundMs = Date.now() - backAt;
    t.diagnostic(`found ${foundMs} ms after the server came back`);
    assert.ok(failedWith(wait, 'connection-lost'), 'the loss was reported as such');
    assert.ok(foundMs < 2_000, `found ${foundMs} ms after the server came back (deadline ${deadlineMs} ms)`);
  });

  it('opens the jump host again when its connection is lost, and finds the machine through the new one', limit, async (t) => {
    // Here the relay plays the jump host's SSH server; the machine itself stays up.
    await relay.stop();
    const bastion = await SshTestHost.start({ authorizedKeys: [client.publicKey] });
    alsoStarted.push(bastion);
    relay = await startTcpRelay(bastion);
    const nonce = `nonce-${Math.random()}`;
    const jumpHost = { host: relay.host, port: relay.port, user: 'root', privateKey: client.privateKey, hostKeys: [bastion.hostPublicKey] };
    const wait = watchWait(nonce, { nonceWaitMs: 30_000 }, { jumpHost, address: { value: machine.hostname, port: machine.port } });
    await wait.failure('no-nonce-yet');
    await relay.cut();
    await wait.failure('unreachable');
    const backAt = await serverBackBooted(nonce);
    const { connection } = await wait.result;
    connection.close();
    const foundMs = Date.now() - backAt;
    t.diagnostic(`found ${foundMs} ms after the jump host came back`);
    assert.ok(foundMs < 2_000, `found ${foundMs} ms after the jump host came back (deadline ${deadlineMs} ms)`);
    assert.equal(relay.accepted, 2, 'the first jump connection, then one new one that every attempt shares');
  });

  it('drops a connection whose server stops answering, by keepalive, and finds the machine on a new one', limit, async (t) => {
    const nonce = `nonce-${Math.random()}`;
    const wait = watchWait(nonce, { nonceWaitMs: 30_000, keepaliveIntervalMs: 50 });
    await wait.failure('no-nonce-yet');
    const silencedAt = Date.now();
    relay.silence();
    // The machine boots meanwhile; new connections through the relay get through.
    await machine.writeNonce(nonce);
    const { connection } = await wait.result;
    connection.close();
    const foundMs = Date.now() - silencedAt;
    t.diagnostic(`found ${foundMs} ms after the server fell silent (keepalive every 50 ms)`);
    assert.ok(foundMs < 2_000, `found ${foundMs} ms after the server fell silent (deadline ${deadlineMs} ms)`);
    const lost = wait.events.find((e) => e.type === 'wait-ssh.attempt-failed' && e.reason === 'connection-lost');
    assert.match(lost?.type === 'wait-ssh.attempt-failed' ? lost.message : '', /no answer to 3 keepalive probes/);
  });
});
