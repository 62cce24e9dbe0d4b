import assert from 'node:assert/strict';
import { fstatSync } from 'node:fs';
import { describe, it } from 'node:test';
import { afterHangUp, hangUpExitCode, releaseTerminal } from '../../../src/cli/terminal-hangup.js';

describe('after a hang-up', () => {
  it('ends a command the hang-up cancelled with 128 + SIGHUP, and leaves every other outcome as it was', () => {
    assert.equal(hangUpExitCode, 129);
    const cases: [exitCode: number, hungUp: boolean, expected: number][] = [
      [130, true, 129],
      [130, false, 130],
      [0, true, 0],
      [1, true, 1],
      [2, true, 2],
    ];
    for (const [exitCode, hungUp, expected] of cases) assert.equal(afterHangUp(exitCode, hungUp), expected, `${exitCode}, hung up: ${hungUp}`);
  });

  it('leaves descriptors that were not terminals alone', () => {
    const files = (): string[] => [0, 1, 2].map((fd) => { const s = fstatSync(fd); return `${s.dev}:${s.ino}`; });
    const before = files();
    // None of these streams was a terminal: nothing is closed or reopened.
    releaseTerminal({ stdin: { isTTY: false }, stdout: {}, stderr: { isTTY: false } } as unknown as NodeJS.Process);
    assert.deepEqual(files(), before);
  });
});
