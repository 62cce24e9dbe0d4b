import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MemoryStorage, type PutParams, type Storage } from '../../../storage/index.js';
import {
  addMachines,
  addStateInstance,
  bootstrap,
  bootstrapProgress,
  loadState,
  machineRecords,
  markBootstrapComplete,
  markBootstrapFailed,
  parseState,
  recordMachine,
  saveState,
  startedBootstrap,
  stateObjectName,
  type ProviderState,
} from '../../../src/index.js';
import { fakeEnvironment } from '../bootstrap/fixtures.js';

const at = (): Date => new Date('2024-05-01T10:05:00.000Z');
const failure = { phase: 'configure', machineId: '0', code: 'REMOTE_COMMAND_FAILED', message: 'exit status 3', at: '2024-05-01T10:04:00.000Z' };

function progressOf(yaml: string): ReturnType<typeof bootstrapProgress> {
  return bootstrapProgress(parseState(yaml, 'test'));
}

/** Every write of provider-state, as the storage was asked for it. */
function recordPuts(storage: Storage): PutParams[] {
  const puts: PutParams[] = [];
  const put = storage.put.bind(storage);
  storage.put = (params) => {
    if (params.key === stateObjectName) puts.push(params);
    return put(params);
  };
  return puts;
}

describe('bootstrap progress in provider-state', () => {
  const documents: [string, string, ReturnType<typeof bootstrapProgress>][] = [
    ['a document from an envboot without markers counts as complete', 'state-instances: [i-0]\n', { status: 'complete', recorded: false }],
    ['a marker that is not a mapping counts as none', 'bootstrap: yes\n', { status: 'complete', recorded: false }],
    ['a started bootstrap', 'bootstrap: {status: started}\n', { status: 'started', recorded: true }],
    ['a complete one, with when', "bootstrap: {status: complete, completed-at: '2024-05-01T10:05:00.000Z'}\n", { status: 'complete', recorded: true, completedAt: '2024-05-01T10:05:00.000Z' }],
    [
      'a failed one, with why',
      'bootstrap: {status: failed, failure: {phase: configure, machine: "0", code: REMOTE_COMMAND_FAILED, message: exit status 3, at: "2024-05-01T10:04:00.000Z"}}\n',
      { status: 'failed', recorded: true, failure },
    ],
    ['a status this envboot does not know is not known to be complete', 'bootstrap: {status: resuming}\n', { status: 'started', recorded: true }],
  ];
  for (const [what, yaml, expected] of documents) {
    it(what, () => {
      assert.deepEqual(progressOf(yaml), expected);
    });
  }

  it('is marked complete or failed by compare-and-swap, keeping every field it does not know', async () => {
    const storage = new MemoryStorage();
    const claim: ProviderState = { stateInstances: [], fields: { provider: 'x', 'future-field': [1], ...startedBootstrap() } };
    await saveState({ storage, state: claim, expect: 'create' });
    assert.deepEqual(bootstrapProgress((await loadState({ storage })).state), { status: 'started', recorded: true });
    // A newer envboot's key inside the marker, and an older envboot's update meanwhile.
    await storage.put({ key: stateObjectName, body: 'bootstrap: {status: started, future-key: kept}\nfuture-field: [1]\nstate-instances: []\n' });
    await addStateInstance({ storage, instanceId: 'i-0' });
    await markBootstrapFailed({ storage, failure });
    assert.deepEqual(bootstrapProgress((await loadState({ storage })).state), { status: 'failed', recorded: true, failure });
    await markBootstrapComplete({ storage, now: at });
    const { state } = await loadState({ storage });
    assert.deepEqual(bootstrapProgress(state), { status: 'complete', recorded: true, completedAt: '2024-05-01T10:05:00.000Z' });
    assert.deepEqual(state.fields['bootstrap'], { status: 'complete', 'completed-at': '2024-05-01T10:05:00.000Z', 'future-key': 'kept' }, 'the failure went');
    assert.deepEqual(state.fields['future-field'], [1]);
    assert.deepEqual(state.stateInstances, ['i-0']);
    await recordMachine({ storage, machine: { id: '0', instanceId: 'i-0', hostKeys: [] }, controller: true });
    assert.equal(bootstrapProgress((await loadState({ storage })).state).status, 'complete', 'recording a machine keeps the marker');
  });
});

describe('bootstrap and addMachines record their progress and failures', () => {
  it('a bootstrap claims with one create-only write that marks it started, and marks it complete at the end', async () => {
    const environ = fakeEnvironment('progress');
    const puts = recordPuts(environ.storage());
    await bootstrap({ environ });
    const [claim] = puts;
    assert.deepEqual(claim?.condition, { ifAbsent: true }, 'the claim is the first write, create-only');
    assert.deepEqual(bootstrapProgress(parseState(String(claim.body), 'claim')), { status: 'started', recorded: true });
    assert.ok(puts.slice(1).every((p) => p.condition !== undefined && 'ifVersion' in p.condition), 'every later write is a compare-and-swap');
    assert.equal(puts.length, 3, 'the claim, the controller record, the completion');
    assert.equal(bootstrapProgress((await loadState({ storage: environ.storage() })).state).status, 'complete');
  });

  it('a bootstrap whose controller fails, kept with keepBroken, is marked failed where it failed, and so is the controller', async () => {
    const environ = fakeEnvironment('progress');
    environ.faults.failBoot = true;
    await assert.rejects(bootstrap({ environ, keepBroken: true }), { code: 'INSTANCE_FAILED' });
    const { state } = await loadState({ storage: environ.storage() });
    const progress = bootstrapProgress(state);
    assert.equal(progress.status, 'failed');
    assert.deepEqual([progress.failure?.phase, progress.failure?.machineId, progress.failure?.code], ['wait-ssh', '0', 'INSTANCE_FAILED']);
    assert.match(progress.failure?.message ?? '', /failed to boot/);
    const [controller] = machineRecords(state);
    assert.deepEqual([controller?.failure?.phase, controller?.failure?.code], ['wait-ssh', 'INSTANCE_FAILED']);
    assert.ok(!Number.isNaN(Date.parse(controller?.failure?.at ?? '')));
  });

  it('a bootstrap that fails without keepBroken leaves no provider-state to mark', async () => {
    const environ = fakeEnvironment('progress');
    environ.faults.failBoot = true;
    await assert.rejects(bootstrap({ environ }), { code: 'INSTANCE_FAILED' });
    await assert.rejects(loadState({ storage: environ.storage() }), { code: 'NOT_BOOTSTRAPPED' });
  });

  it('a machine added with keepBroken records why it failed; one released records nothing', async () => {
    const environ = fakeEnvironment('progress');
    const { clientKey } = await bootstrap({ environ });
    environ.faults.failBoot = true;
    const kept = await addMachines({ environ, count: 1, clientKey, keepBroken: true });
    assert.deepEqual(kept.failures.map((f) => f.code), ['INSTANCE_FAILED']);
    const released = await addMachines({ environ, count: 1, clientKey });
    assert.equal(released.failures.length, 1);
    const records = machineRecords((await loadState({ storage: environ.storage() })).state);
    assert.deepEqual(records.map((m) => [m.id, m.failure?.phase, m.failure?.code]), [['0', undefined, undefined], ['1', 'wait-ssh', 'INSTANCE_FAILED']]);
  });
});
