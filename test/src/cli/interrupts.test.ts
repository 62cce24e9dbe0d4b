import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { describe, it } from 'node:test';
import { watchInterrupts } from '../../../src/cli/interrupts.js';

function fakeProcess(): NodeJS.Process & { exits: number[] } {
  const emitter = new EventEmitter() as unknown as NodeJS.Process & { exits: number[] };
  emitter.exits = [];
  (emitter as unknown as { exit: (code: number) => void }).exit = (code) => emitter.exits.push(code);
  return emitter;
}

describe('interrupts', () => {
  it('abort the operation first, the clean-up second, and quit at the third', () => {
    const process = fakeProcess();
    const counts: number[] = [];
    const interrupts = watchInterrupts({ process, cleansUp: true, onInterrupt: (n) => counts.push(n) });
    process.emit('SIGINT', 'SIGINT');
    assert.equal(interrupts.signal.aborted, true);
    assert.equal(interrupts.cleanupSignal.aborted, false);
    assert.equal((interrupts.signal.reason as { code?: string }).code, 'CANCELLED');
    process.emit('SIGTERM', 'SIGTERM');
    assert.equal(interrupts.cleanupSignal.aborted, true);
    assert.deepEqual(process.exits, []);
    process.emit('SIGINT', 'SIGINT');
    assert.deepEqual(process.exits, [130]);
    assert.deepEqual(counts, [1, 2, 3]);
    interrupts.dispose();
  });

  it('quit at the second when there is nothing to clean up', () => {
    const process = fakeProcess();
    const interrupts = watchInterrupts({ process, cleansUp: false, onInterrupt: () => undefined });
    process.emit('SIGINT', 'SIGINT');
    assert.equal(interrupts.signal.aborted, true);
    assert.deepEqual(process.exits, []);
    process.emit('SIGINT', 'SIGINT');
    assert.deepEqual(process.exits, [130]);
    interrupts.dispose();
  });

  it('take a hang-up as one interrupt however often it comes, and quit with 129 after one', () => {
    const process = fakeProcess();
    const counts: number[] = [];
    const interrupts = watchInterrupts({ process, cleansUp: true, onInterrupt: (n) => counts.push(n) });
    process.emit('SIGHUP', 'SIGHUP');
    process.emit('SIGHUP', 'SIGHUP');
    assert.equal(interrupts.signal.aborted, true);
    assert.equal(interrupts.cleanupSignal.aborted, false, 'a terminal that hangs up twice does not stop the clean-up');
    process.emit('SIGTERM', 'SIGTERM');
    assert.equal(interrupts.cleanupSignal.aborted, true);
    process.emit('SIGINT', 'SIGINT');
    assert.deepEqual(process.exits, [129]);
    assert.deepEqual(counts, [1, 2, 3]);
    interrupts.dispose();
  });

  it('let a hang-up after Ctrl-C stop nothing more: the clean-up goes on', () => {
    const process = fakeProcess();
    const told: string[] = [];
    const interrupts = watchInterrupts({ process, cleansUp: true, onInterrupt: (n, signal) => told.push(`${n} ${signal}`) });
    process.emit('SIGINT', 'SIGINT');
    process.emit('SIGHUP', 'SIGHUP');
    process.emit('SIGHUP', 'SIGHUP');
    assert.equal(interrupts.signal.aborted, true);
    assert.equal(interrupts.cleanupSignal.aborted, false);
    assert.deepEqual(told, ['1 SIGINT', '1 SIGHUP']);
    process.emit('SIGINT', 'SIGINT');
    process.emit('SIGINT', 'SIGINT');
    assert.deepEqual(process.exits, [129], 'quits as a hung-up process');
    interrupts.dispose();
  });

  it('leave the process as it was when disposed', () => {
    const process = fakeProcess();
    const interrupts = watchInterrupts({ process, cleansUp: true, onInterrupt: () => undefined });
    interrupts.dispose();
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) assert.equal(process.listenerCount(signal), 0);
  });
});
