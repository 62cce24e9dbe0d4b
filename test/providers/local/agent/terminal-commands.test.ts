import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { resizeCommand, signalCommand, terminalSize } from '../../../../providers/local/agent/terminal-commands.js';

describe('terminal commands', () => {
  it('clamps a client\'s size to what a terminal holds', () => {
    assert.deepEqual(terminalSize(80.7, 24), { cols: 80, rows: 24 });
    assert.deepEqual(terminalSize(-1, 70_000), { cols: 0, rows: 65_535 });
    assert.deepEqual(terminalSize(Number.NaN, Number.POSITIVE_INFINITY), { cols: 0, rows: 0 });
  });

  it('refuses anything but a signal name or a session id where it would become shell code', () => {
    assert.throws(() => signalCommand('abc123', 'TERM; rm -rf /'), /not a signal name/);
    assert.throws(() => resizeCommand('../x', { cols: 80, rows: 24 }), /not a session id/);
    assert.match(signalCommand('abc123', 'INT'), /kill -s INT "\$pid"$/);
  });
});
