import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  formatAddress,
  generateSshKeyPair,
  isCancelled,
  isInstanceFailed,
  isTimeout,
  waitSSH,
  type WaitSshEvent,
  type WaitSshParams,
} from '../../../src/index.js';
import { deadAddresses, loopback, machineWithTwins, scriptedInstance, type MachineWithTwins } from './fixtures.js';

const client = generateSshKeyPair({ comment: 'client' });
let machine: MachineWithTwins;
let dead: Awaited<ReturnType<typeof deadAddresses>>;

before(async () => {
  machine = await machineWithTwins(client, 0);
  dead = await deadAddresses();
});
after(async () => {
  await machine.stop();
  await dead.stop();
});

function params(instance: WaitSshParams['instance'], extra: Partial<WaitSshParams> = {}): WaitSshParams {
  return {
    instance,
    user: 'root',
    privateKey: client.privateKey,
    hostKeys: [machine.hostKey.publicKey],
    nonce: machine.nonce,
    timeoutMs: 10_000,
    tunables: { connectTimeoutMs: 500 },
    ...extra,
  };
}

describe('waitSSH', () => {
  it('picks the right machine among every kind of bad address and closes every loser', async () => {
    const addresses = [
      dead.refused,
      dead.tarpit,
      loopback(machine.impostor),
      loopback(machine.wrongNonce),
      loopback(machine.noNonce),
      loopback(machine.refusesKey),
      loopback(machine.right),
    ];
    const events: WaitSshEvent[] = [];
    const result = await waitSSH(params(scriptedInstance({ status: 'running', addresses }), { onEvent: (e) => events.push(e) }));
    try {
      assert.equal(formatAddress(result.address), formatAddress(loopback(machine.right)));
      const answer = await result.connection.exec({ command: 'printf %s "$ENVBOOT_ROOT"' });
      assert.equal(answer.stdout.toString(), machine.right.root);
      assert.ok(events.some((e) => e.type === 'wait-ssh.connected'));
    } finally {
      result.connection.close();
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
    for (const host of [machine.impostor, machine.wrongNonce, machine.noNonce, machine.refusesKey, machine.right]) {
      assert.equal(host.connectedClients, 0, 'every connection was closed');
    }
  });

  it('starts on addresses as they appear', async () => {
    const instance = scriptedInstance({ status: 'pending', addresses: [] });
    setTimeout(() => (instance.view = { status: 'running', addresses: [dead.refused] }), 100);
    setTimeout(() => (instance.view = { status: 'running', addresses: [dead.refused, loopback(machine.right)] }), 400);
    const events: WaitSshEvent[] = [];
    const result = await waitSSH(params(instance, { onEvent: (e) => events.push(e) }));
    result.connection.close();
    assert.ok(result.elapsedMs >= 400);
    const types = events.map((e) => e.type);
    assert.ok(types.includes('wait-ssh.no-address'));
    assert.deepEqual(
      events.filter((e) => e.type === 'wait-ssh.address-added').map((e) => (e as { address: string }).address),
      [formatAddress(dead.refused), formatAddress(loopback(machine.right))],
    );
  });

  it('reports each kind of failure distinctly, in events and in the timeout error', async () => {
    const addresses = [dead.refused, loopback(machine.impostor), loopback(machine.wrongNonce), loopback(machine.noNonce), loopback(machine.refusesKey)];
    const events: WaitSshEvent[] = [];
    const error = await waitSSH(params(scriptedInstance({ status: 'running', addresses }), { timeoutMs: 1_500, onEvent: (e) => events.push(e) })).catch((e: unknown) => e);
    assert.ok(isTimeout(error));
    const message = (error as Error).message;
    assert.match(message, /^timed out after 2 s waiting for SSH on instance i-test; last result per address:/);
    const reasons = new Map(events.flatMap((e) => (e.type === 'wait-ssh.attempt-failed' ? [[e.address, e.reason] as const] : [])));
    assert.equal(reasons.get(formatAddress(dead.refused)), 'unreachable');
    assert.equal(reasons.get(formatAddress(loopback(machine.impostor))), 'host-key-mismatch');
    assert.equal(reasons.get(formatAddress(loopback(machine.wrongNonce))), 'wrong-nonce');
    assert.equal(reasons.get(formatAddress(loopback(machine.noNonce))), 'no-nonce-yet');
    assert.equal(reasons.get(formatAddress(loopback(machine.refusesKey))), 'auth-refused');
    for (const [address, reason] of reasons) assert.ok(message.includes(`${address}: ${reason}`), `${address} ${reason} in message`);
  });

  it('times out saying that no address ever appeared', async () => {
    await assert.rejects(waitSSH(params(scriptedInstance(), { timeoutMs: 300 })), /it never reported an address/);
  });

  it('stops as soon as the provider says the instance failed', async () => {
    const instance = scriptedInstance({ status: 'pending', addresses: [dead.refused] });
    setTimeout(() => (instance.view = { status: 'failed', addresses: [], statusMessage: 'InsufficientInstanceCapacity' }), 100);
    const start = Date.now();
    await assert.rejects(waitSSH(params(instance)), (error: unknown) => {
      assert.ok(isInstanceFailed(error));
      assert.match((error as Error).message, /instance i-test is failed: InsufficientInstanceCapacity/);
      return true;
    });
    assert.ok(Date.now() - start < 2_000);
  });

  it('is cancelled by its signal, closing what it opened', async () => {
    const controller = new AbortController();
    setTimeout(() => { controller.abort(); }, 200);
    await assert.rejects(
      waitSSH(params(scriptedInstance({ status: 'running', addresses: [dead.tarpit, loopback(machine.noNonce)] }), { signal: controller.signal })),
      isCancelled,
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(machine.noNonce.connectedClients, 0);
  });

  it('finds the machine when its nonce appears after SSH is up, on the same connection', async () => {
    const late = await machineWithTwins(client, 99);
    try {
      await late.right.stop();
      const instance = scriptedInstance({ status: 'running', addresses: [loopback(late.noNonce)] });
      setTimeout(() => void late.noNonce.writeNonce(late.nonce), 300);
      const result = await waitSSH(params(instance, { hostKeys: [late.hostKey.publicKey], nonce: late.nonce }));
      result.connection.close();
      assert.ok(result.elapsedMs >= 300);
      assert.equal(result.attempts, 1, 'no reconnect was needed');
    } finally {
      await late.stop().catch(() => undefined);
    }
  });
});
