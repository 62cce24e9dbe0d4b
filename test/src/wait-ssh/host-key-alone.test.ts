import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ErrorCode, errorCodeOf, formatAddress, generateSshKeyPair, hostKeyAlone, isTimeout, waitSSH, type WaitSshParams } from '../../../src/index.js';
import { loopback, machineWithTwins, scriptedInstance, type MachineWithTwins } from './fixtures.js';

const client = generateSshKeyPair({ comment: 'client' });
let machine: MachineWithTwins;

before(async () => {
  machine = await machineWithTwins(client, 7);
});
after(async () => {
  await machine.stop();
});

function params(addresses: Parameters<typeof loopback>[0][], extra: Partial<WaitSshParams> = {}): WaitSshParams {
  return {
    instance: scriptedInstance({ status: 'running', addresses: addresses.map((host) => loopback(host)) }),
    user: 'root',
    privateKey: client.privateKey,
    hostKeys: [machine.hostKey.publicKey],
    nonce: hostKeyAlone,
    timeoutMs: 10_000,
    tunables: { connectTimeoutMs: 500 },
    ...extra,
  };
}

describe('waitSSH with hostKeyAlone', () => {
  it('proves a machine by its pinned host key without reading a nonce (it has none)', async () => {
    const result = await waitSSH(params([machine.noNonce]));
    try {
      assert.equal(formatAddress(result.address), formatAddress(loopback(machine.noNonce)));
      assert.equal((await result.connection.exec({ command: 'echo proven' })).stdout.toString(), 'proven\n');
    } finally {
      result.connection.close();
    }
  });

  it('waits for the nonce as before when one is given: the same machine is not proven without it', async () => {
    await assert.rejects(waitSSH(params([machine.noNonce], { nonce: machine.nonce, timeoutMs: 600 })), (error: Error) => isTimeout(error) && /no-nonce-yet/.test(error.message));
  });

  it('ends the wait at once with SSH_HOST_KEY_MISMATCH when the machine presents another key', async () => {
    const started = Date.now();
    await assert.rejects(waitSSH(params([machine.impostor])), (error: Error) => {
      assert.equal(errorCodeOf(error), ErrorCode.SshHostKeyMismatch, error.message);
      assert.match(error.message, /presented host key SHA256:\S+, not the pinned SHA256:/);
      return true;
    });
    assert.ok(Date.now() - started < 5_000, 'not waited out');
  });
});
