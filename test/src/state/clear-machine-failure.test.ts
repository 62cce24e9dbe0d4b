import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MemoryStorage } from '../../../storage/index.js';
import {
  clearMachineFailure,
  loadState,
  machineRecords,
  recordMachineFailure,
  stateObjectName,
  updateState,
  type RecordedFailure,
} from '../../../src/index.js';

const failure: RecordedFailure = { phase: 'configure', code: 'REMOTE_COMMAND_FAILED', message: 'the script exited with status 3', at: '2024-05-01T10:00:00.000Z' };
const hostKey = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIexample envboot-machine-1';

/** provider-state with machines 1 (on i-1) and 2 (on i-2), and fields this envboot does not know, at the top and in machine 1. */
async function storageWithMachines(): Promise<MemoryStorage> {
  const storage = new MemoryStorage();
  const body = [
    'future-field: {nested: [1, 2]}',
    'machines:',
    "  '1': {instance-id: i-1, zone: z-a, host-keys: ['" + hostKey + "'], future-key: kept}",
    "  '2': {instance-id: i-2, host-keys: []}",
    'state-instances: [i-0]',
    '',
  ].join('\n');
  await storage.put({ key: stateObjectName, body });
  return storage;
}

async function version(storage: MemoryStorage): Promise<string> {
  return (await storage.get({ key: stateObjectName })).version;
}

describe('clearing a machine failure in provider-state', () => {
  it("removes the failure from the machine's record and keeps every other field, its own and the document's", async () => {
    const storage = await storageWithMachines();
    await recordMachineFailure({ storage, machineId: '1', instanceId: 'i-1', failure });
    await recordMachineFailure({ storage, machineId: '2', instanceId: 'i-2', failure });
    assert.equal(await clearMachineFailure({ storage, machineId: '1', instanceId: 'i-1' }), true);
    const { state } = await loadState({ storage });
    assert.deepEqual(machineRecords(state), [
      { id: '1', instanceId: 'i-1', zone: 'z-a', hostKeys: [hostKey] },
      { id: '2', instanceId: 'i-2', hostKeys: [], failure },
    ]);
    assert.equal((state.fields['machines'] as Record<string, Record<string, unknown>>)['1']?.['future-key'], 'kept');
    assert.deepEqual(state.fields['future-field'], { nested: [1, 2] });
    assert.deepEqual(state.stateInstances, ['i-0']);
  });

  it('writes nothing when the machine has no failure, is not recorded, or is recorded on another instance', async () => {
    const storage = await storageWithMachines();
    await recordMachineFailure({ storage, machineId: '2', instanceId: 'i-2', failure });
    const before = await version(storage);
    assert.equal(await clearMachineFailure({ storage, machineId: '1', instanceId: 'i-1' }), false, 'no failure');
    assert.equal(await clearMachineFailure({ storage, machineId: '7', instanceId: 'i-7' }), false, 'no such machine');
    assert.equal(await clearMachineFailure({ storage, machineId: '2', instanceId: 'i-other' }), false, 'a newer machine on the id');
    assert.equal(await version(storage), before, 'nothing was written');
    assert.deepEqual(machineRecords((await loadState({ storage })).state)[1]?.failure, failure);
  });

  it('keeps what another writer wrote in between: it is a compare-and-swap, retried on fresh state', async () => {
    const storage = await storageWithMachines();
    await recordMachineFailure({ storage, machineId: '1', instanceId: 'i-1', failure });
    // Another client writes after this one read: the first save loses, and the update runs again on what that client wrote.
    const realGet = storage.get.bind(storage);
    let raced = false;
    storage.get = async (params) => {
      const got = await realGet(params);
      if (!raced) {
        raced = true;
        await updateState({ storage, update: (state) => ({ ...state, fields: { ...state.fields, 'written-meanwhile': true } }) });
      }
      return got;
    };
    assert.equal(await clearMachineFailure({ storage, machineId: '1', instanceId: 'i-1' }), true);
    const { state } = await loadState({ storage });
    assert.equal(state.fields['written-meanwhile'], true, "the other writer's change survives");
    assert.equal(machineRecords(state)[0]?.failure, undefined);
  });

  it('says false when another run cleared the failure between its read and its write', async () => {
    const storage = await storageWithMachines();
    await recordMachineFailure({ storage, machineId: '1', instanceId: 'i-1', failure });
    const realGet = storage.get.bind(storage);
    let raced = false;
    storage.get = async (params) => {
      const got = await realGet(params);
      if (!raced) {
        raced = true;
        // Another configure clears it first: this one then finds nothing to clear on its retry.
        await clearMachineFailure({ storage, machineId: '1', instanceId: 'i-1' });
      }
      return got;
    };
    assert.equal(await clearMachineFailure({ storage, machineId: '1', instanceId: 'i-1' }), false, 'the other run cleared it');
    assert.equal(machineRecords((await loadState({ storage })).state)[0]?.failure, undefined);
  });
});
