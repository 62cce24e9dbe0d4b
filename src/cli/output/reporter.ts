import type { FlowEvent } from '../../provision/events.js';

/** What a command produced, for people (`text`, on stdout) and for `--json` (`json`). */
export interface CommandOutcome {
  readonly json: unknown;
  readonly text: string;
  /**
   * The text is data, not envboot's own words (a machine's logs, an ssh_config, an
   * inventory): shown byte for byte, never rewritten (see `namingReporter`).
   */
  readonly verbatim?: boolean;
}

/** A command that failed: the error, its exit code, and any partial outcome. */
export interface CommandFailure {
  readonly error: unknown;
  readonly exitCode: number;
  /** What was done before the failure (e.g. the machines add-machine did start). */
  readonly outcome?: CommandOutcome;
}

/**
 * Where a command sends what it has to say. Three displays implement it: a live step
 * list on a terminal, plain lines otherwise, NDJSON with `--json`. Progress and notices
 * go to stderr (stdout in JSON mode), the outcome to stdout, so `envboot status > file`
 * captures only the status.
 */
export interface Reporter {
  /** A progress event of a library flow. */
  event(event: FlowEvent): void;
  /** A message of the CLI's own (an interrupt, a hint). */
  notice(level: 'info' | 'warn' | 'error', message: string): void;
  succeed(outcome: CommandOutcome): void;
  fail(failure: CommandFailure): void;
  /** Stops any live drawing; idempotent. */
  close(): void;
}
