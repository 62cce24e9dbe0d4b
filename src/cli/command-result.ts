import type { CommandOutcome } from './output/reporter.js';

/**
 * What a command returns: its outcome, and the exit code when it is not 0 without an
 * error being thrown (add-machine with some machines failed, exec passing a remote exit
 * status through). Errors are thrown, and mapped to exit codes in one place.
 */
export interface CommandResult {
  readonly outcome: CommandOutcome;
  readonly exitCode?: number;
  /** Why the exit code is not 0, for `--json`'s `error` and the message on stderr. */
  readonly error?: unknown;
}
