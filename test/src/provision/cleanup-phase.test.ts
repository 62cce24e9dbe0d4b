import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CleanupIncompleteError, runCleanupPhase, type FlowEvent, type PhaseTiming } from '../../../src/provision/index.js';

function recorded(): { events: FlowEvent[]; onEvent: (event: FlowEvent) => void; timings: PhaseTiming[] } {
  const events: FlowEvent[] = [];
  return { events, onEvent: (event) => events.push(event), timings: [] };
}

describe('runCleanupPhase', () => {
  it('finishes a clean-up that removed everything', async () => {
    const { events, onEvent, timings } = recorded();
    const run = (report: (event: FlowEvent) => void): Promise<void> => {
      report({ type: 'cleanup.removed', resource: 'instance i-1' });
      return Promise.resolve();
    };
    const left = await runCleanupPhase({ machineId: '2', onEvent, timings, run });
    assert.deepEqual(left, []);
    assert.deepEqual(events.map((e) => e.type), ['phase.started', 'cleanup.removed', 'phase.finished']);
    assert.deepEqual(timings.map((t) => [t.phase, t.machineId]), [['cleanup', '2']]);
  });

  it('fails a clean-up that left something, naming it, without throwing', async () => {
    const { events, onEvent, timings } = recorded();
    const left = await runCleanupPhase({
      machineId: '2',
      onEvent,
      timings,
      run: (report) => {
        report({ type: 'cleanup.removed', resource: 'instance i-1' });
        report({ type: 'cleanup.failed', resource: 'instance i-2', message: 'the cloud refused', machineId: '2' });
        return Promise.resolve();
      },
    });
    assert.deepEqual(left, ['instance i-2']);
    assert.deepEqual(events.map((e) => e.type), ['phase.started', 'cleanup.removed', 'cleanup.failed', 'phase.failed']);
    const end = events.at(-1);
    assert.ok(end?.type === 'phase.failed');
    assert.deepEqual([end.phase, end.machineId, end.code, end.message], ['cleanup', '2', 'CLEANUP_INCOMPLETE', 'could not remove instance i-2']);
    assert.deepEqual(timings, [], 'a failed phase records no timing, as any failed phase');
  });

  it('works without a sink, and still says what was left', async () => {
    const run = (report: (event: FlowEvent) => void): Promise<void> => {
      report({ type: 'cleanup.failed', resource: 'bucket b', message: 'in use' });
      return Promise.resolve();
    };
    const left = await runCleanupPhase({ phase: 'teardown', onEvent: undefined, timings: [], run });
    assert.deepEqual(left, ['bucket b']);
  });

  it('fails the phase and throws what the step itself threw', async () => {
    const { events, onEvent } = recorded();
    await assert.rejects(runCleanupPhase({ onEvent, timings: [], run: () => Promise.reject(new Error('storage gone')) }), /storage gone/);
    assert.deepEqual(events.map((e) => e.type), ['phase.started', 'phase.failed']);
    assert.equal(new CleanupIncompleteError(['a', 'b']).code, 'CLEANUP_INCOMPLETE');
  });
});
