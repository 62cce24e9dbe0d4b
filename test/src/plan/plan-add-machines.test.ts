import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { addMachines, bootstrap, errorCodeOf, loadState, planAddMachines, type PlanAddMachinesParams } from '../../../src/index.js';
import { fakeEnvironment } from '../bootstrap/fixtures.js';
import { assertOnlyReads, failureOf, methodsCalled } from './fixtures.js';

describe('planAddMachines', () => {
  it('plans the next machines where add-machine then puts them, reading only', async () => {
    const environ = fakeEnvironment('plan');
    const { clientKey } = await bootstrap({ environ });
    const storage = environ.storage();
    const before = await loadState({ storage });
    const from = environ.calls.length;
    const plan = await planAddMachines({ environ, count: 3, constraints: { cores: 2 }, config: { runcmd: ['true'] } });
    assertOnlyReads(environ, from);
    assert.equal((await loadState({ storage })).version, before.version, 'provider-state is unchanged: no id was reserved');
    assert.equal(environ.machines().length, 1, 'only the controller');
    assert.equal(plan.kind, 'add-machine');
    assert.equal(plan.zoneOrder, 'spread');
    assert.deepEqual(plan.machines.map((m) => m.machineId), ['1', '2', '3']);
    assert.ok(plan.machines.every((m) => !m.controller && m.instanceType?.name === 'medium'));
    assert.ok((plan.cloudConfigBytes ?? 0) > 0);
    assert.deepEqual(plan.calls.filter((c) => c.writes).map((c) => c.purpose), ['start machine 1 as medium in zone-b', 'start machine 2 as medium in zone-c', 'start machine 3 as medium in zone-a']);

    const planned = methodsCalled(environ, from);
    const realFrom = environ.calls.length;
    const added = await addMachines({ environ, count: 3, constraints: { cores: 2 }, clientKey, concurrency: 1 });
    assert.deepEqual(added.failures, []);
    assert.deepEqual(added.machines.map((m) => `${m.id} ${m.zone ?? ''}`), plan.machines.map((m) => `${m.machineId} ${m.zones[0] ?? ''}`));
    assert.deepEqual([...new Set(plan.calls.map((c) => c.action.replace(/^fake:/, '')))], methodsCalled(environ, realFrom));
    assert.deepEqual(planned, ['availabilityZones', 'instanceTypes', 'deriveZones', 'allInstances'], 'the plan read what add-machine reads before it starts anything');
  });

  it('refuses what add-machine refuses, with the same error, reserving nothing', async () => {
    const environ = fakeEnvironment('plan');
    const { clientKey } = await bootstrap({ environ });
    const storage = environ.storage();
    const before = await loadState({ storage });
    const refused: [string, Omit<PlanAddMachinesParams, 'environ'>][] = [
      ['no machines', { count: 0 }],
      ['placements that do not match the count', { count: 2, placements: ['a'] }],
      ['an unknown zone', { count: 1, zones: ['zone-q'] }],
      ['unmet constraints', { count: 1, constraints: { memoryMiB: 1024 ** 2 } }],
      ['packages on a provider without them', { count: 1, config: { packages: ['nginx'] } }],
    ];
    for (const [what, params] of refused) {
      const planned = await failureOf(planAddMachines({ ...params, environ }));
      const real = await failureOf(addMachines({ ...params, environ, clientKey }));
      assert.equal(errorCodeOf(planned), 'CONFIG_INVALID', `${what}: ${planned.message}`);
      assert.equal(planned.message, real.message, what);
    }
    assert.equal((await loadState({ storage })).version, before.version);
    assert.equal(environ.machines().length, 1);
  });

  it('needs a bootstrapped environment, as add-machine does', async () => {
    const environ = fakeEnvironment('plan');
    const error = await failureOf(planAddMachines({ environ, count: 1 }));
    assert.equal(errorCodeOf(error), 'NOT_BOOTSTRAPPED');
    assert.deepEqual((await environ.storage().list({})).objects, []);
    assertOnlyReads(environ);
  });
});
