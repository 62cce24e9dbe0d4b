import type { FlowEvent } from '../../provision/events.js';
import { describeError } from './describe-error.js';
import type { CommandFailure, CommandOutcome, Reporter } from './reporter.js';

/**
 * `--json`: one JSON object per line on stdout. Progress lines are the library's
 * `FlowEvent`s with a `time`; CLI notices are `{"type":"notice"}`; the last line is
 * always `{"type":"result", command, ok, exitCode, result?, error?}`. Documented in
 * docs/cli.md ("JSON output"); fields are only ever added, never renamed.
 */
export class JsonReporter implements Reporter {
  readonly #out: NodeJS.WritableStream;
  readonly #command: string;
  #finished = false;

  constructor(params: { out: NodeJS.WritableStream; command: string }) {
    this.#out = params.out;
    this.#command = params.command;
  }

  event(event: FlowEvent): void {
    this.#line({ ...event, time: new Date().toISOString() });
  }

  notice(level: 'info' | 'warn' | 'error', message: string): void {
    this.#line({ type: 'notice', level, message, time: new Date().toISOString() });
  }

  succeed(outcome: CommandOutcome): void {
    this.#final({ type: 'result', command: this.#command, ok: true, exitCode: 0, result: outcome.json });
  }

  fail(failure: CommandFailure): void {
    this.#final({
      type: 'result',
      command: this.#command,
      ok: false,
      exitCode: failure.exitCode,
      error: describeError(failure.error),
      ...(failure.outcome === undefined ? {} : { result: failure.outcome.json }),
    });
  }

  close(): void {
    this.#finished = true;
  }

  #final(value: object): void {
    if (this.#finished) return;
    this.#line(value);
    this.#finished = true;
  }

  #line(value: object): void {
    if (!this.#finished) this.#out.write(`${JSON.stringify(value)}\n`);
  }
}
