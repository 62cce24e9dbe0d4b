import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bootstrap, isCancelled, type Phase } from '../../../src/index.js';
import { assertNothingLeft, fakeEnvironment, recorder } from './fixtures.js';

const phases: Phase[] = ['preflight', 'claim', 'prepare', 'generate-keys', 'start-instance', 'record-state', 'wait-ssh', 'configure'];

describe('bootstrap interrupted', () => {
  for (const phase of phases) {
    it(`aborted as "${phase}" starts leaves nothing behind`, async () => {
      const environ = fakeEnvironment();
      environ.faults.bootDelayMs = 100;
      const controller = new AbortController();
      const { events, onEvent } = recorder((event) => {
        if (event.type === 'phase.started' && event.phase === phase) controller.abort();
      });
      const outcome = bootstrap({
        environ,
        controllerConfig: { runcmd: ['sleep 5'] },
        onEvent,
        signal: controller.signal,
      });
      await assert.rejects(outcome, (error) => isCancelled(error));
      assert.ok(events.some((e) => e.type === 'phase.failed' && e.phase === phase && e.code === 'CANCELLED'));
      await assertNothingLeft(environ);
    });
  }

  it('aborted while the provider is still starting the instance finds it by tag and stops it', async () => {
    const environ = fakeEnvironment();
    environ.faults.startDelayMs = 200;
    const controller = new AbortController();
    const { events, onEvent } = recorder((event) => {
      if (event.type === 'phase.started' && event.phase === 'start-instance') setTimeout(() => { controller.abort(); }, 50);
    });
    await assert.rejects(bootstrap({ environ, onEvent, signal: controller.signal }), (error) => isCancelled(error));
    assert.ok(events.some((e) => e.type === 'phase.finished' && e.phase === 'cleanup'));
    await assertNothingLeft(environ);
  });

  it('a second abort stops the clean-up and says what was left', async () => {
    const environ = fakeEnvironment();
    environ.faults.bootDelayMs = 5_000;
    const first = new AbortController();
    const second = new AbortController();
    second.abort();
    const { events, onEvent } = recorder((event) => {
      if (event.type === 'phase.started' && event.phase === 'wait-ssh') first.abort();
    });
    await assert.rejects(bootstrap({ environ, onEvent, signal: first.signal, cleanupSignal: second.signal }), (error) => isCancelled(error));
    const left = events.filter((e) => e.type === 'cleanup.failed').map((e) => e.resource);
    assert.ok(left.some((resource) => resource.startsWith('instance ')), JSON.stringify(left));
    // The machine's clean-up did not finish: it ends failed, never "finished" (a green ✔ on the display).
    const machineCleanup = events.filter((e) => 'phase' in e && e.phase === 'cleanup' && 'machineId' in e && e.machineId === '0').map((e) => e.type);
    assert.deepEqual(machineCleanup, ['phase.started', 'phase.failed']);
    assert.ok(events.some((e) => e.type === 'cleanup.failed' && e.machineId === '0'), 'the instance left is said to be machine 0');
    assert.equal((await environ.allInstances({})).length, 1, 'the instance is still there, as reported');
  });
});
