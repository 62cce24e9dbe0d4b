import assert from 'node:assert/strict';
import { it } from 'node:test';
import { addMachines, bootstrap, loadState, machineRecords, type Constraints } from '../../../src/index.js';
import { describeForEachMachineKind, fakeEnvironment, recorder, runOn } from '../bootstrap/fixtures.js';

function zoneCounts(zones: readonly (string | undefined)[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const zone of zones) counts[zone ?? '?'] = (counts[zone ?? '?'] ?? 0) + 1;
  return counts;
}

describeForEachMachineKind('addMachines', (kind) => {
  it('adds machines spread over the zones, each verified, configured and recorded', async () => {
    const environ = fakeEnvironment('test', kind);
    const { clientKey } = await bootstrap({ environ });
    const result = await addMachines({
      environ,
      count: 5,
      clientKey,
      config: { write_files: [{ path: '/etc/role', content: 'worker\n' }] },
    });
    assert.deepEqual(result.failures, []);
    assert.deepEqual(result.machines.map((m) => m.id), ['1', '2', '3', '4', '5']);
    // The controller is in zone-a, so the five go b, c, then round again: 2/2/2 in all.
    assert.deepEqual(zoneCounts(result.machines.map((m) => m.zone)), { 'zone-a': 1, 'zone-b': 2, 'zone-c': 2 });
    const fifth = result.machines[4];
    assert.ok(fifth !== undefined);
    assert.equal(await runOn(fifth, clientKey, environ.sshUser, 'cat "$ENVBOOT_ROOT/etc/role"'), 'worker\n');
    const { state } = await loadState({ storage: environ.storage() });
    assert.deepEqual(machineRecords(state).map((m) => m.id), ['0', '1', '2', '3', '4', '5']);
    assert.equal(state.stateInstances.length, 1, 'only the controller is a state instance');
  });

  it('keeps away from a zone without capacity, and from zones not asked for', async () => {
    const environ = fakeEnvironment('test', kind);
    const { clientKey } = await bootstrap({ environ });
    environ.faults.capacityZones.add('zone-b');
    const spread = await addMachines({ environ, count: 4, clientKey, concurrency: 1 });
    assert.deepEqual(spread.failures, []);
    assert.ok(spread.machines.every((m) => m.zone !== 'zone-b'));
    assert.equal(environ.calls.filter((c) => c.method === 'startInstance' && c.zone === 'zone-b').length, 1, 'zone-b is tried once, then skipped');

    const pinned = await addMachines({ environ, count: 2, clientKey, zones: ['zone-c'] });
    assert.deepEqual(pinned.machines.map((m) => m.zone), ['zone-c', 'zone-c']);
    await assert.rejects(addMachines({ environ, count: 1, clientKey, zones: ['zone-q'] }), { code: 'CONFIG_INVALID', message: /unknown zone "zone-q"/ });
  });

  it('places machines as bootstrap places the controller: zones= from the constraints, --zone over them, only zones offering the type', async () => {
    const environ = fakeEnvironment('test', kind);
    const { clientKey } = await bootstrap({ environ });
    const startsFrom = environ.calls.length;
    const typed = await addMachines({ environ, count: 2, clientKey, constraints: { instanceType: 'only-b' } });
    assert.deepEqual(typed.failures, []);
    assert.deepEqual(typed.machines.map((m) => m.zone), ['zone-b', 'zone-b']);
    assert.deepEqual(environ.calls.slice(startsFrom).filter((c) => c.method === 'startInstance').map((c) => c.zone), ['zone-b', 'zone-b'], 'no other zone was tried');
    const zoned = await addMachines({ environ, count: 2, clientKey, constraints: { zones: ['zone-c'] } });
    assert.deepEqual(zoned.machines.map((m) => m.zone), ['zone-c', 'zone-c'], 'zones= in the constraints is honoured');
    const flagged = await addMachines({ environ, count: 1, clientKey, constraints: { zones: ['zone-c'] }, zones: ['zone-a'] });
    assert.deepEqual(flagged.machines.map((m) => m.zone), ['zone-a'], '--zone takes the place of zones=');
  });

  it('refuses impossible constraints and unknown zones before any machine id is reserved or instance started', async () => {
    const environ = fakeEnvironment('test', kind);
    const { clientKey } = await bootstrap({ environ });
    const before = await loadState({ storage: environ.storage() });
    const callsFrom = environ.calls.length;
    const refusals: [Constraints, readonly string[] | undefined, RegExp][] = [
      [{ cores: 64 }, undefined, /cores=64: the most cores of an instance type here is 8/],
      [{ arch: 'arm64', memoryMiB: 1024 ** 2 }, undefined, /arch=arm64: no instance type here is arm64[^]*mem=1T: the most memory/],
      [{ instanceType: 'm5.large' }, undefined, /instance type "m5\.large" is not offered here/],
      [{ zones: ['zone-z'] }, undefined, /unknown zone "zone-z"; the zones here are: zone-a, zone-b, zone-c; fix zones= in the constraints/],
      [{}, ['zone-z'], /unknown zone "zone-z"; [^]*fix --zone/],
      [{ instanceType: 'only-b' }, ['zone-c'], /zone-c does not offer instance type only-b; instance type only-b is offered in: zone-b/],
    ];
    for (const [constraints, zones, message] of refusals) {
      await assert.rejects(addMachines({ environ, count: 2, clientKey, constraints, zones }), { code: 'CONFIG_INVALID', message });
    }
    const after = await loadState({ storage: environ.storage() });
    assert.equal(after.version, before.version, 'provider-state was not written: no machine id was reserved');
    assert.deepEqual(environ.calls.slice(callsFrom).filter((c) => c.method === 'startInstance'), []);
    assert.equal((await environ.allInstances({})).length, 1, 'the controller alone');
  });

  it('reports which machines failed and why, and leaves none of them behind', async () => {
    const environ = fakeEnvironment('test', kind);
    const { clientKey } = await bootstrap({ environ });
    const { onEvent } = recorder((event) => {
      if (event.type === 'phase.started' && event.phase === 'start-instance') environ.faults.failBoot = event.machineId === '2';
    });
    const result = await addMachines({ environ, count: 3, clientKey, concurrency: 1, onEvent });
    assert.deepEqual(result.machines.map((m) => m.id), ['1', '3']);
    assert.deepEqual(result.failures.map((f) => [f.machineId, f.code]), [['2', 'INSTANCE_FAILED']]);
    assert.equal((await environ.allInstances({})).length, 3, 'controller and the two good machines');
    const { state } = await loadState({ storage: environ.storage() });
    assert.deepEqual(machineRecords(state).map((m) => m.id), ['0', '1', '3']);
  });

  it('refuses a bad count and an unbootstrapped environment before creating anything', async () => {
    const environ = fakeEnvironment('test', kind);
    const { generateSshKeyPair } = await import('../../../src/index.js');
    const clientKey = generateSshKeyPair();
    await assert.rejects(addMachines({ environ, count: 0, clientKey }), { code: 'CONFIG_INVALID', message: /from 1 to 1000/ });
    await assert.rejects(addMachines({ environ, count: 1.5, clientKey }), { code: 'CONFIG_INVALID' });
    await assert.rejects(addMachines({ environ, count: 1, clientKey }), { code: 'NOT_BOOTSTRAPPED' });
    assert.equal(environ.calls.filter((c) => c.method === 'startInstance').length, 0);
  });
});
