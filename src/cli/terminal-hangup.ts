import { closeSync, openSync } from 'node:fs';
import { ExitCode } from '../errors/index.js';
import { signalNumber } from '../util/signal-number.js';

/** The exit status of a command that a hang-up ended: 128 + SIGHUP, as shells report it. */
export const hangUpExitCode = 128 + signalNumber('SIGHUP');

/**
 * The exit code once the terminal hung up: an operation the hang-up cancelled ends with
 * `hangUpExitCode` (not Ctrl-C's 130), so that a script or supervisor can tell a closed
 * terminal from an operator's interrupt; any other outcome stands.
 */
export function afterHangUp(exitCode: number, hungUp: boolean): number {
  return hungUp && exitCode === ExitCode.Interrupted ? hangUpExitCode : exitCode;
}

/**
 * Lets the process end quietly after its terminal hung up (the terminal window closed, the
 * SSH session dropped). As it exits, Node puts back the terminal settings it found on each
 * of descriptors 0–2 that was a terminal; on a hung-up terminal that fails with EIO and
 * Node aborts with an assertion and a native stack trace, after the clean-up already
 * finished. Node skips a descriptor that no longer refers to the file it started with, so
 * each one that was a terminal is pointed at /dev/null: nothing could be shown there any
 * more. Call it last, when nothing else will open files (the freed number is taken again
 * at once, by the lowest-free-descriptor rule); `process` gives the streams' start-up view
 * (`isTTY`), since a hung-up terminal no longer answers `isatty`.
 */
export function releaseTerminal(process: Pick<NodeJS.Process, 'stdin' | 'stdout' | 'stderr'>): void {
  const streams: readonly [number, { readonly isTTY?: boolean } | undefined][] = [
    [0, process.stdin],
    [1, process.stdout],
    [2, process.stderr],
  ];
  for (const [fd, stream] of streams) {
    if (stream?.isTTY !== true) continue;
    try {
      closeSync(fd);
      const reopened = openSync('/dev/null', fd === 0 ? 'r' : 'w');
      // Another thread's file took the number first: leave it to its owner, and ours closed.
      if (reopened !== fd) closeSync(reopened);
    } catch {
      // A descriptor already closed is as good: Node skips it too.
    }
  }
}
