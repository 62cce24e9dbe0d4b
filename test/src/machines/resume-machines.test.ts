import assert from 'node:assert/strict';
import { it } from 'node:test';
import {
  addMachines,
  bootstrap,
  forgetMachines,
  loadState,
  machineRecords,
  memoryProofKeeper,
  resumeMachines,
  type Phase,
} from '../../../src/index.js';
import type { FakeEnviron } from '../../../src/testing/index.js';
import { coreOnly } from '../../fakes/environs.js';
import { describeForEachMachineKind, fakeEnvironment, recorder, runOn } from '../bootstrap/fixtures.js';

const config = { write_files: [{ path: '/etc/role', content: 'worker\n' }] };

/** Adds `count` machines and stops the run as each reaches `phase`, cleaning nothing up, as a SIGKILL would. */
async function killedAddMachines(environ: FakeEnviron, phase: Phase, count: number) {
  const { clientKey } = await bootstrap({ environ });
  const proofs = memoryProofKeeper();
  const stop = new AbortController();
  const noCleanup = new AbortController();
  noCleanup.abort();
  let reached = 0;
  const { onEvent } = recorder((event) => {
    if (event.type === 'phase.started' && event.phase === phase && (reached += 1) === count) stop.abort();
  });
  environ.faults.bootDelayMs = 100;
  const result = await addMachines({ environ, count, clientKey, proofs, config: { runcmd: ['sleep 5'] }, onEvent, signal: stop.signal, cleanupSignal: noCleanup.signal });
  assert.equal(result.machines.length, 0);
  return { clientKey, proofs };
}

async function pendingIds(environ: FakeEnviron): Promise<string[]> {
  return machineRecords((await loadState({ storage: environ.storage() })).state)
    .filter((m) => m.pending === true)
    .map((m) => m.id);
}

describeForEachMachineKind('resumeMachines', (kind) => {
  it('goes on with machines a killed add-machine left pending: each reached, configured, marked ready; no new machine', async () => {
    const environ = fakeEnvironment('test', kind);
    const { clientKey, proofs } = await killedAddMachines(environ, 'configure', 2);
    assert.deepEqual(await pendingIds(environ), ['1', '2']);
    const before = (await environ.allInstances({})).map((i) => i.id).sort();
    const result = await resumeMachines({ environ, clientKey, proofs, config });
    assert.deepEqual(result.failures, []);
    assert.deepEqual(result.resumed, [{ machineId: '1', outcome: 'reached' }, { machineId: '2', outcome: 'reached' }]);
    assert.deepEqual((await environ.allInstances({})).map((i) => i.id).sort(), before, 'the same instances, no other');
    assert.deepEqual(await pendingIds(environ), []);
    assert.equal(proofs.kept.size, 0);
    const second = result.machines[1];
    assert.ok(second !== undefined);
    assert.equal(await runOn(second, clientKey, environ.sshUser, 'cat "$ENVBOOT_ROOT/etc/role"'), 'worker\n');
    assert.deepEqual((await resumeMachines({ environ, clientKey, proofs })).resumed, [], 'nothing left to resume');
  });

  it('finds an instance started but never recorded by its machine tag, proves one without a nonce by its recorded host key, and replaces one that is gone', async () => {
    const environ = fakeEnvironment('test', kind);
    const { clientKey, proofs } = await killedAddMachines(environ, 'wait-ssh', 3);
    const records = machineRecords((await loadState({ storage: environ.storage() })).state);
    const instanceOf = (id: string): string => records.find((m) => m.id === id)?.instanceId ?? '';
    // As if the run had been killed between starting machine 1 and recording it.
    await forgetMachines({ storage: environ.storage(), instanceIds: [instanceOf('1')] });
    await proofs.release('2');
    await environ.stopInstances({ ids: [instanceOf('3')], waitUntilGone: true });
    const { events, onEvent } = recorder();
    // Seen through the core contract: no user-data to read a nonce back from.
    const result = await resumeMachines({ environ: coreOnly(environ), clientKey, proofs, config, onEvent });
    assert.deepEqual(result.failures, []);
    assert.deepEqual(result.resumed, [
      { machineId: '1', outcome: 'found' },
      { machineId: '2', outcome: 'reached' },
      { machineId: '3', outcome: 'replaced' },
    ]);
    assert.ok(events.some((e) => e.type === 'warning' && /^machine 2: no nonce for instance \S+ \(none kept by this client\); proving it by its recorded host key alone$/.test(e.message)));
    assert.ok(events.some((e) => e.type === 'warning' && /^machine 3: its instance \S+ is (terminated|gone); replacing it$/.test(e.message)));
    const live = (await environ.allInstances({})).filter((i) => i.status !== 'terminated');
    assert.equal(live.length, 4, 'the controller and one instance per machine');
    assert.deepEqual(machineRecords((await loadState({ storage: environ.storage() })).state).map((m) => [m.id, m.pending ?? false]), [['0', false], ['1', false], ['2', false], ['3', false]]);
  });

  it('leaves alone the machines the caller says a live run still provisions, saying why, and the controller', async () => {
    const environ = fakeEnvironment('test', kind);
    const { clientKey, proofs } = await killedAddMachines(environ, 'configure', 2);
    const { events, onEvent } = recorder();
    const leaveAlone = (target: { machineId: string }): Promise<string | undefined> => Promise.resolve(target.machineId === '2' ? 'another run adds it' : undefined);
    const result = await resumeMachines({ environ, clientKey, proofs, config, leaveAlone, onEvent });
    assert.deepEqual(result.resumed.map((r) => r.machineId), ['1']);
    assert.deepEqual(await pendingIds(environ), ['2']);
    assert.ok(events.some((e) => e.type === 'warning' && e.message === 'machine 2 is left alone: another run adds it'));
  });
});
