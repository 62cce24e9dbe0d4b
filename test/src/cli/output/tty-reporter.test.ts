import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';
import { stripVTControlCharacters } from 'node:util';
import { palette } from '../../../../src/cli/output/color.js';
import { TtyReporter } from '../../../../src/cli/output/tty-reporter.js';

function terminal(columns = 80): { reporter: TtyReporter; err: () => string; out: () => string } {
  const err = new PassThrough();
  const out = new PassThrough();
  let errText = '';
  let outText = '';
  err.on('data', (chunk: Buffer) => (errText += chunk.toString()));
  out.on('data', (chunk: Buffer) => (outText += chunk.toString()));
  const reporter = new TtyReporter({ out, err, palette: palette(false), debug: false, columns: () => columns });
  return { reporter, err: () => errText, out: () => outText };
}

describe('the live step display', () => {
  it('keeps running steps at the bottom with a spinner, and prints finished ones above for good', () => {
    const { reporter, err } = terminal();
    reporter.event({ type: 'phase.started', phase: 'preflight' });
    assert.match(err(), /^[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] Checking the provider \(credentials, quota, constraints\) \d+ms\n$/);
    reporter.event({ type: 'phase.finished', phase: 'preflight', elapsedMs: 412 });
    // The live line is erased (cursor up one line, clear below) and the finished step written in its place.
    assert.ok(err().includes('\u001b[1F\u001b[0J✔ Checking the provider (credentials, quota, constraints) 412ms\n'), JSON.stringify(err()));
    reporter.close();
  });

  it('shows the latest detail of a running step, and streams configure output as lines of their own', () => {
    const { reporter, err } = terminal();
    reporter.event({ type: 'phase.started', phase: 'wait-ssh', machineId: '0' });
    reporter.event({ type: 'wait-ssh', machineId: '0', event: { type: 'wait-ssh.address-added', address: '127.0.0.2:22', scope: 'public' } });
    assert.match(err(), /machine 0: waiting for SSH and the nonce \(trying 127\.0\.0\.2:22 \(public\)\)/);
    reporter.event({ type: 'phase.finished', phase: 'wait-ssh', machineId: '0', elapsedMs: 50 });
    reporter.event({ type: 'phase.started', phase: 'configure', machineId: '0' });
    reporter.event({ type: 'configure', machineId: '0', event: { type: 'configure.output', stream: 'stdout', line: 'hello from runcmd' } });
    const text = stripVTControlCharacters(err());
    assert.match(text, /\n {2}│ hello from runcmd\n/);
    reporter.close();
  });

  it('marks a clean-up that left something with a red ✖, never a green ✔', () => {
    const err = new PassThrough();
    let text = '';
    err.on('data', (chunk: Buffer) => (text += chunk.toString()));
    const reporter = new TtyReporter({ out: new PassThrough(), err, palette: palette(true), debug: false, columns: () => 100 });
    reporter.event({ type: 'phase.started', phase: 'cleanup', machineId: '1' });
    reporter.event({ type: 'cleanup.failed', resource: 'instance i-1', message: 'the cloud refused', machineId: '1' });
    reporter.event({ type: 'phase.failed', phase: 'cleanup', machineId: '1', elapsedMs: 7, code: 'CLEANUP_INCOMPLETE', message: 'could not remove instance i-1' });
    reporter.close();
    assert.ok(text.includes('\u001b[31m✖\u001b[39m machine 1: cleaning up'), JSON.stringify(text));
    assert.ok(text.includes('\u001b[31m✖\u001b[39m could not remove instance i-1: the cloud refused'), JSON.stringify(text));
    assert.ok(!text.includes('✔'), 'nothing is marked done');
  });

  it('cuts live lines to the terminal width, so redrawing never scrolls', () => {
    const { reporter, err } = terminal(30);
    reporter.event({ type: 'phase.started', phase: 'remove-storage' });
    const line = err().split('\n')[0] ?? '';
    assert.ok(stripVTControlCharacters(line).length <= 29, line);
    assert.match(line, /…$/);
    reporter.close();
  });

  it('clears the live block when it closes and writes nothing afterwards', () => {
    const { reporter, err, out } = terminal();
    reporter.event({ type: 'phase.started', phase: 'claim' });
    reporter.succeed({ json: {}, text: 'Bootstrapped.' });
    const after = err().length;
    assert.ok(err().endsWith('\u001b[1F\u001b[0J'), 'the spinner line is erased');
    reporter.event({ type: 'phase.finished', phase: 'claim', elapsedMs: 1 });
    reporter.notice('warn', 'late');
    assert.equal(err().length, after);
    assert.equal(out(), 'Bootstrapped.\n');
  });

  it('uses colour only when its palette has it', () => {
    const { reporter, err } = terminal();
    reporter.event({ type: 'warning', message: 'plain' });
    assert.equal(err(), '! plain\n');
    reporter.close();
  });
});

describe('a machine\'s output on the operator\'s terminal', () => {
  it('loses its escape sequences and control characters', () => {
    const { reporter, err } = terminal();
    reporter.event({ type: 'configure', machineId: '0', event: { type: 'configure.output', stream: 'stdout', line: 'a\u001b]0;owned\u0007b\u001b[2Jc\rd' } });
    assert.equal(err(), '  │ abcd\n');
    reporter.close();
  });
});
