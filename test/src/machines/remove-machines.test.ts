import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { addMachines, bootstrap, loadState, machineRecords, removeMachines } from '../../../src/index.js';
import { fakeEnvironment } from '../bootstrap/fixtures.js';

describe('removeMachines', () => {
  it('stops the machines and forgets them; the others stay', async () => {
    const environ = fakeEnvironment();
    const { clientKey } = await bootstrap({ environ });
    const added = await addMachines({ environ, count: 2, clientKey });
    const result = await removeMachines({ environ, machineIds: ['1'] });
    assert.deepEqual(result.removed.map((r) => r.machineId), ['1']);
    assert.deepEqual(result.failures, []);
    const left = (await environ.allInstances({})).map((i) => i.id).sort();
    assert.deepEqual(left, [added.machines[1]?.instance.id, (await loadState({ storage: environ.storage() })).state.stateInstances[0]].sort());
    assert.deepEqual(machineRecords((await loadState({ storage: environ.storage() })).state).map((m) => m.id), ['0', '2']);
  });

  it('refuses malformed, unknown and controller ids, all named at once, and removes nothing', async () => {
    const environ = fakeEnvironment();
    const { clientKey } = await bootstrap({ environ });
    await addMachines({ environ, count: 1, clientKey });
    await assert.rejects(removeMachines({ environ, machineIds: ['1', 'x1', '7', '0'] }), (error: Error & { code?: string }) => {
      assert.equal(error.code, 'CONFIG_INVALID');
      assert.match(error.message, /x1: is not a machine id/);
      assert.match(error.message, /7: no such machine; the machines are: 0, 1/);
      assert.match(error.message, /0: is the controller; run "envboot destroy"/);
      return true;
    });
    assert.equal((await environ.allInstances({})).length, 2);
  });

  it('reports a machine that would not stop and keeps its record, removing the rest', async () => {
    const environ = fakeEnvironment();
    const { clientKey } = await bootstrap({ environ });
    const added = await addMachines({ environ, count: 2, clientKey });
    const stubborn = added.machines[0]?.instance.id ?? '';
    environ.faults.failStopIds.add(stubborn);
    const result = await removeMachines({ environ, machineIds: ['1', '2'] });
    assert.deepEqual(result.removed.map((r) => r.machineId), ['2']);
    assert.deepEqual(result.failures.map((f) => f.resource), [`instance ${stubborn}`]);
    assert.deepEqual(machineRecords((await loadState({ storage: environ.storage() })).state).map((m) => m.id), ['0', '1']);
  });
});
