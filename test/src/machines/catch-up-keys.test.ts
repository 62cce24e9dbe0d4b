import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  addMachines,
  authorizeClient,
  bootstrap,
  destroy,
  generateSshKeyPair,
  revokeClient,
  type ProvisionedMachine,
  type SshKeyPair,
} from '../../../src/index.js';
import { openEnvironment } from '../../providers/local/fixtures.js';
import { connectTo } from '../bootstrap/fixtures.js';

/** Whether `key` logs in to `machine` (its host key pinned). */
async function logsIn(machine: ProvisionedMachine, key: SshKeyPair): Promise<boolean> {
  try {
    (await connectTo(machine, key, 'root')).close();
    return true;
  } catch (error) {
    if ((error as { code?: string }).code === 'SSH_AUTH_REFUSED') return false;
    throw error;
  }
}

describe('addMachines and the authorized clients changed while machines start', () => {
  it('gives a new machine a key authorized, and takes away a key revoked, after its user-data was made', async (t) => {
    const opened = await openEnvironment(t, { prefix: 'envboot-catch-up-keys-', nested: true });
    if (opened === undefined) return;
    const { environ } = opened;
    const storage = environ.storage();
    const { clientKey } = await bootstrap({ environ });
    try {
      const early = generateSshKeyPair({ comment: 'early@test' });
      const late = generateSshKeyPair({ comment: 'late@test' });
      await authorizeClient({ storage, keyLine: early.publicKey });
      // Once machine 1 is started (its user-data made, listing `early`), another client
      // authorizes `late` and revokes `early` in provider-state; machine 1 is not ready
      // yet, so that client's own pass over the machines leaves it out.
      let change: Promise<unknown> | undefined;
      const machines = await addMachines({
        environ,
        count: 1,
        clientKey,
        onEvent: (event) => {
          if (event.type !== 'instance.started' || change !== undefined) return;
          change = authorizeClient({ storage, keyLine: late.publicKey }).then(() => revokeClient({ storage, key: early.publicKey.split(' ').slice(0, 2).join(' ') }));
        },
      });
      await change;
      assert.deepEqual(machines.failures, []);
      const [machine] = machines.machines;
      assert.ok(machine !== undefined);
      assert.equal(await logsIn(machine, late), true, 'a key authorized while the machine started lets in');
      assert.equal(await logsIn(machine, early), false, 'a key revoked while the machine started is refused');
      assert.equal(await logsIn(machine, clientKey), true);
    } finally {
      await destroy({ environ });
    }
  });
});
