import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, describe, it } from 'node:test';
import {
  addMachines,
  bootstrap,
  loadState,
  machineRecords,
  machineTags,
  removeMachines,
  type AllInstancesParams,
  type Environ,
  type Instance,
} from '../../../src/index.js';
import { createFakeProvider, type FakeEnviron } from '../../../src/testing/index.js';
import type { FlowEvent } from '../../../src/provision/index.js';
import { fakeEnvironment } from '../bootstrap/fixtures.js';

/** What a bootstrap or add-machine killed between starting an instance and recording it leaves: a tagged instance provider-state does not list. */
async function startUnrecorded(environ: FakeEnviron, machineId: string): Promise<string> {
  const userData = new TextEncoder().encode('#cloud-config\n');
  const { instance } = await environ.startInstance({ machineId, constraints: {}, userData, tags: machineTags(environ.environment, machineId) });
  return instance.id;
}

async function runningIds(environ: Environ): Promise<string[]> {
  return (await environ.allInstances({})).map((i) => i.id).sort();
}

async function recordedIds(environ: Environ): Promise<string[]> {
  return machineRecords((await loadState({ storage: environ.storage() })).state).map((m) => m.id);
}

/** An Environ whose tag-scoped listing wrongly includes `foreign` (a provider bug envboot must not act on). */
function listingAlsoShows(environ: FakeEnviron, foreign: Instance): Environ {
  return new Proxy(environ, {
    get: (target, key) => {
      if (key === 'allInstances') return async (params: AllInstancesParams) => [...(await target.allInstances(params)), foreign];
      const value: unknown = Reflect.get(target, key);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

describe('removeMachines', () => {
  it('stops the machines and forgets them; the others stay', async () => {
    const environ = fakeEnvironment();
    const { clientKey } = await bootstrap({ environ });
    const added = await addMachines({ environ, count: 2, clientKey });
    const result = await removeMachines({ environ, ids: ['1'] });
    assert.deepEqual(result.removed.map((r) => r.machineId), ['1']);
    assert.deepEqual(result.failures, []);
    const left = await runningIds(environ);
    assert.deepEqual(left, [added.machines[1]?.instance.id, (await loadState({ storage: environ.storage() })).state.stateInstances[0]].sort());
    assert.deepEqual(await recordedIds(environ), ['0', '2']);
  });

  it('removes a recorded machine named by its instance id', async () => {
    const environ = fakeEnvironment();
    const { clientKey } = await bootstrap({ environ });
    const added = await addMachines({ environ, count: 1, clientKey });
    const instanceId = added.machines[0]?.instance.id ?? '';
    const result = await removeMachines({ environ, ids: [instanceId, '1'] });
    assert.deepEqual(result.removed, [{ machineId: '1', instanceId }], 'both ids name one machine, removed once');
    assert.deepEqual(await recordedIds(environ), ['0']);
  });

  it('stops an unrecorded instance that carries the environment\'s tag, named by its instance id; recorded machines stay', async () => {
    const environ = fakeEnvironment();
    const { clientKey } = await bootstrap({ environ });
    await addMachines({ environ, count: 1, clientKey });
    const orphan = await startUnrecorded(environ, '2');
    const before = await runningIds(environ);
    const result = await removeMachines({ environ, ids: [orphan] });
    assert.deepEqual([result.removed, result.removedUnrecorded, result.failures], [[], [orphan], []]);
    assert.deepEqual(await runningIds(environ), before.filter((id) => id !== orphan));
    assert.deepEqual(await recordedIds(environ), ['0', '1']);
  });

  it('refuses the controller by either id, made-up ids and another environment\'s instance, listing what can be removed, and stops nothing', async () => {
    const fake = createFakeProvider();
    after(() => fake.close());
    const environ = fake.openEnviron({ name: 'mine', uuid: randomUUID() });
    const neighbour = fake.openEnviron({ name: 'theirs', uuid: randomUUID() });
    const { clientKey } = await bootstrap({ environ });
    await addMachines({ environ, count: 1, clientKey });
    const orphan = await startUnrecorded(environ, '2');
    const theirs = await startUnrecorded(neighbour, '1');
    const controller = (await loadState({ storage: environ.storage() })).state.stateInstances[0] ?? '';
    const calls = environ.calls.length;
    await assert.rejects(removeMachines({ environ, ids: ['1', orphan, 'x1', '7', '0', controller, theirs] }), (error: Error & { code?: string }) => {
      assert.equal(error.code, 'CONFIG_INVALID');
      assert.match(error.message, /nothing was removed/);
      for (const id of ['x1', '7', theirs]) assert.ok(error.message.includes(`- ${id}: no such machine, nor an unrecorded instance with this environment's tag\n`), error.message);
      assert.ok(error.message.endsWith(`\n  - what can be removed: machines 1; unrecorded instances ${orphan}`), error.message);
      assert.match(error.message, /\n {2}- 0: is the controller; run "envboot destroy"/);
      assert.ok(error.message.includes(`${controller}: is the controller`), error.message);
      return true;
    });
    assert.deepEqual(environ.calls.slice(calls).map((c) => c.method), ['allInstances'], 'nothing was stopped');
    assert.deepEqual(await runningIds(neighbour), [theirs]);
    assert.equal((await runningIds(environ)).length, 3);
  });

  it('refuses an instance the listing shows with another environment\'s tag', async () => {
    const fake = createFakeProvider();
    after(() => fake.close());
    const environ = fake.openEnviron({ name: 'mine', uuid: randomUUID() });
    const neighbour = fake.openEnviron({ name: 'theirs', uuid: randomUUID() });
    await bootstrap({ environ });
    const theirs = await startUnrecorded(neighbour, '1');
    const [foreign] = await neighbour.instances({ ids: [theirs] });
    assert.ok(foreign !== undefined);
    await assert.rejects(removeMachines({ environ: listingAlsoShows(environ, foreign), ids: [theirs] }), (error: Error) => {
      assert.ok(error.message.includes(`${theirs}: carries another environment's tag (envboot-environment-uuid=${neighbour.environment.uuid})`), error.message);
      return true;
    });
    assert.deepEqual(await runningIds(neighbour), [theirs]);
  });

  it('reports a machine that would not stop and keeps its record, removing the rest', async () => {
    const environ = fakeEnvironment();
    const { clientKey } = await bootstrap({ environ });
    const added = await addMachines({ environ, count: 2, clientKey });
    const stubborn = added.machines[0]?.instance.id ?? '';
    environ.faults.failStopIds.add(stubborn);
    const events: FlowEvent[] = [];
    const result = await removeMachines({ environ, ids: ['1', '2'], onEvent: (event) => events.push(event) });
    assert.deepEqual(result.removed.map((r) => r.machineId), ['2']);
    // The step that left it running ends failed, naming it: no display marks it done.
    const stopping = events.filter((e) => 'phase' in e && e.phase === 'stop-instances');
    assert.deepEqual(stopping.map((e) => e.type), ['phase.started', 'phase.failed']);
    assert.ok(stopping.some((e) => e.type === 'phase.failed' && e.code === 'CLEANUP_INCOMPLETE' && e.message === `could not remove instance ${stubborn}`));
    assert.deepEqual(result.failures.map((f) => f.resource), [`instance ${stubborn}`]);
    assert.deepEqual(await recordedIds(environ), ['0', '1']);
  });
});
