import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { addMachines, bootstrap, destroy, stateObjectName } from '../../../src/index.js';
import { assertNothingLeft, fakeEnvironment, recorder } from '../bootstrap/fixtures.js';

describe('destroy', () => {
  it('stops every machine, tears down and removes the storage; a second destroy has nothing to do', async () => {
    const environ = fakeEnvironment();
    const { clientKey } = await bootstrap({ environ });
    await addMachines({ environ, count: 2, clientKey });
    const result = await destroy({ environ });
    assert.equal(result.stoppedInstances.length, 3);
    assert.deepEqual(result.failures, []);
    assert.ok(result.removed.some((r) => r.startsWith('security group')));
    await assertNothingLeft(environ);
    const again = await destroy({ environ });
    assert.deepEqual([again.stoppedInstances, again.failures], [[], []]);
  });

  it('finds the machines by tag when provider-state is gone or corrupt', async () => {
    for (const damage of ['delete', 'corrupt'] as const) {
      const environ = fakeEnvironment();
      const { clientKey } = await bootstrap({ environ });
      await addMachines({ environ, count: 1, clientKey });
      if (damage === 'delete') await environ.storage().delete({ key: stateObjectName });
      else await environ.storage().put({ key: stateObjectName, body: ': not yaml : [' });
      const { events, onEvent } = recorder();
      const result = await destroy({ environ, onEvent });
      assert.equal(result.stoppedInstances.length, 2, damage);
      assert.deepEqual(result.failures, []);
      assert.equal(events.some((e) => e.type === 'warning' && /corrupt/.test(e.message)), damage === 'corrupt');
      await assertNothingLeft(environ);
    }
  });

  it('keeps going past a machine that will not stop, reports it, and finishes on the next run', async () => {
    const environ = fakeEnvironment();
    const { clientKey, controller } = await bootstrap({ environ });
    await addMachines({ environ, count: 1, clientKey });
    environ.faults.failStopIds.add(controller.instance.id);
    const first = await destroy({ environ });
    assert.deepEqual(first.failures.map((f) => f.resource), [`instance ${controller.instance.id}`]);
    assert.equal((await environ.allInstances({})).length, 1, 'the other machine was stopped');
    assert.ok((await environ.storage().list({})).objects.length > 0, 'provider-state kept while an instance remains');
    environ.faults.failStopIds.clear();
    const second = await destroy({ environ });
    assert.deepEqual(second.failures, []);
    await assertNothingLeft(environ);
  });
});
