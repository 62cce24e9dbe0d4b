import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';
import { palette } from '../../../../src/cli/output/color.js';
import { PlainReporter } from '../../../../src/cli/output/plain-reporter.js';
import type { FlowEvent } from '../../../../src/provision/events.js';

function plain(): { reporter: PlainReporter; lines: () => string[] } {
  const err = new PassThrough();
  let text = '';
  err.on('data', (chunk: Buffer) => (text += chunk.toString()));
  const reporter = new PlainReporter({ out: new PassThrough(), err, palette: palette(false), debug: false });
  // Each line without its time stamp.
  return { reporter, lines: () => text.split('\n').filter((l) => l !== '').map((l) => l.replace(/^\[[^\]]+\] /, '')) };
}

describe('plain progress lines', () => {
  it('name the machine on every SSH and configure line when machines boot side by side', () => {
    const { reporter, lines } = plain();
    const events: FlowEvent[] = [];
    for (const machineId of ['1', '2']) events.push({ type: 'phase.started', phase: 'wait-ssh', machineId });
    events.push(
      { type: 'wait-ssh', machineId: '1', event: { type: 'wait-ssh.address-added', address: '10.0.0.5:22', scope: 'cloud-local' } },
      { type: 'wait-ssh', machineId: '2', event: { type: 'wait-ssh.address-added', address: '10.0.0.6:22', scope: 'cloud-local' } },
      { type: 'wait-ssh', machineId: '2', event: { type: 'wait-ssh.refresh-failed', message: 'throttled' } },
      { type: 'wait-ssh', machineId: '2', event: { type: 'wait-ssh.connected', address: '10.0.0.6:22', elapsedMs: 900, attempts: 2 } },
      { type: 'wait-ssh', machineId: '1', event: { type: 'wait-ssh.connected', address: '10.0.0.5:22', elapsedMs: 950, attempts: 1 } },
      { type: 'configure', machineId: '1', event: { type: 'configure.step', index: 1, total: 2, name: 'packages' } },
      { type: 'configure', machineId: '2', event: { type: 'configure.step', index: 1, total: 2, name: 'packages' } },
    );
    for (const event of events) reporter.event(event);
    assert.deepEqual(lines(), [
      'machine 1: waiting for SSH and the nonce ...',
      'machine 2: waiting for SSH and the nonce ...',
      'machine 1: SSH: trying 10.0.0.5:22 (cloud-local)',
      'machine 2: SSH: trying 10.0.0.6:22 (cloud-local)',
      'machine 2: SSH: could not refresh the instance: throttled',
      'machine 2: SSH: verified 10.0.0.6:22 after 2 attempt(s)',
      'machine 1: SSH: verified 10.0.0.5:22 after 1 attempt(s)',
      'machine 1: configure: step 1/2: packages',
      'machine 2: configure: step 1/2: packages',
    ]);
  });

  it('mark a clean-up that left something as failed, never done', () => {
    const { reporter, lines } = plain();
    reporter.event({ type: 'phase.started', phase: 'cleanup', machineId: '0' });
    reporter.event({ type: 'cleanup.failed', resource: 'instance i-1', message: 'the cloud refused', machineId: '0' });
    reporter.event({ type: 'phase.failed', phase: 'cleanup', machineId: '0', elapsedMs: 5, code: 'CLEANUP_INCOMPLETE', message: 'could not remove instance i-1' });
    assert.deepEqual(lines().slice(1), ['error: could not remove instance i-1: the cloud refused', 'machine 0: cleaning up: failed (5ms): could not remove instance i-1']);
  });
});
