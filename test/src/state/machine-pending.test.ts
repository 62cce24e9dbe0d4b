import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MemoryStorage } from '../../../storage/index.js';
import {
  assertOwnsBootstrap,
  bootstrapAttempt,
  bootstrapProgress,
  loadState,
  machineRecords,
  markBootstrapComplete,
  markBootstrapFailed,
  markBootstrapResumed,
  markMachinesReady,
  parseState,
  recordMachine,
  saveState,
  startedBootstrap,
  stateObjectName,
  withMachinesReady,
  type ProviderState,
} from '../../../src/index.js';

const key = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGr9Jm0c1Nm5mEYJ0Rz8oD5zGQe2v6uX0mJtBQdDmHrB host';
const failure = { phase: 'configure', machineId: '0', code: 'REMOTE_COMMAND_FAILED', message: 'exit status 3', at: '2024-05-01T10:04:00.000Z' };

async function claimed(): Promise<MemoryStorage> {
  const storage = new MemoryStorage();
  await saveState({ storage, state: { stateInstances: [], fields: { ...startedBootstrap() } }, expect: 'create' });
  return storage;
}

/** How many times provider-state was written. */
function countPuts(storage: MemoryStorage): () => number {
  let puts = 0;
  const put = storage.put.bind(storage);
  storage.put = (params) => {
    if (params.key === stateObjectName) puts += 1;
    return put(params);
  };
  return () => puts;
}

describe('pending machines in provider-state', () => {
  it('a machine recorded pending stays so until marked ready; other machines and fields are kept', async () => {
    const storage = await claimed();
    await recordMachine({ storage, machine: { id: '0', instanceId: 'i-0', hostKeys: [key], pending: true }, controller: true });
    await recordMachine({ storage, machine: { id: '1', instanceId: 'i-1', hostKeys: [key], pending: true } });
    await recordMachine({ storage, machine: { id: '2', instanceId: 'i-2', hostKeys: [key] } });
    const pendingOf = async (): Promise<[string, boolean][]> =>
      machineRecords((await loadState({ storage })).state).map((m) => [m.id, m.pending === true]);
    assert.deepEqual(await pendingOf(), [['0', true], ['1', true], ['2', false]]);
    await markMachinesReady({ storage, machineIds: ['1', '9'] });
    assert.deepEqual(await pendingOf(), [['0', true], ['1', false], ['2', false]]);
    const puts = countPuts(storage);
    await markBootstrapComplete({ storage, readyMachines: ['0'] });
    assert.equal(puts(), 1, 'the controller is marked ready in the write that completes the bootstrap');
    assert.deepEqual(await pendingOf(), [['0', false], ['1', false], ['2', false]]);
    const { state } = await loadState({ storage });
    assert.equal(bootstrapProgress(state).status, 'complete');
    assert.deepEqual(machineRecords(state)[0]?.hostKeys, [key]);
  });

  it('a run that was taken over can no longer record its controller, complete or fail the bootstrap', async () => {
    const storage = new MemoryStorage();
    await saveState({ storage, state: { stateInstances: [], fields: { ...startedBootstrap('first') } }, expect: 'create' });
    await markBootstrapResumed({ storage, attempt: 'second' });
    const puts = countPuts(storage);
    const guard = (state: ProviderState): void => { assertOwnsBootstrap(state, 'first'); };
    await assert.rejects(recordMachine({ storage, machine: { id: '0', instanceId: 'i-0', hostKeys: [key] }, controller: true, guard }), { code: 'BOOTSTRAP_TAKEN_OVER' });
    await assert.rejects(markBootstrapComplete({ storage, attempt: 'first' }), { code: 'BOOTSTRAP_TAKEN_OVER' });
    await assert.rejects(markBootstrapFailed({ storage, failure, attempt: 'first' }), { code: 'BOOTSTRAP_TAKEN_OVER' });
    assert.equal(puts(), 0, 'nothing was written');
    await markBootstrapComplete({ storage, attempt: 'second' });
    assert.equal(bootstrapProgress((await loadState({ storage })).state).status, 'complete');
  });

  it('a record without the field (an older envboot) is ready, and only `pending: true` counts', () => {
    const state = parseState(
      ['state-instances: [i-0]', 'machines:', '  "0": {instance-id: i-0, host-keys: []}', '  "1": {instance-id: i-1, host-keys: [], pending: "yes"}', ''].join('\n'),
      'test',
    );
    assert.deepEqual(machineRecords(state).map((m) => m.pending ?? false), [false, false]);
    assert.deepEqual(withMachinesReady(state, ['0']), state, 'nothing to change, nothing changed');
  });

  it('a resumed bootstrap is started again, drops the recorded failure and counts how often it was resumed', async () => {
    const storage = await claimed();
    await markBootstrapFailed({ storage, failure });
    const now = (): Date => new Date('2024-05-01T11:00:00.000Z');
    await markBootstrapResumed({ storage, now, attempt: 'first' });
    await markBootstrapResumed({ storage, now, attempt: 'second' });
    const { state } = await loadState({ storage });
    assert.deepEqual(bootstrapProgress(state), { status: 'started', recorded: true });
    assert.deepEqual(state.fields['bootstrap'], { status: 'started', 'resumed-at': '2024-05-01T11:00:00.000Z', resumed: 2, attempt: 'second' });
    assert.equal(bootstrapAttempt(state), 'second');
  });
});
