import type { FlowEvent } from '../../provision/events.js';
import { formatDuration } from '../../util/duration.js';
import type { Palette } from './color.js';
import { renderFailure } from './render-failure.js';
import type { CommandFailure, CommandOutcome, Reporter } from './reporter.js';
import { viewOf } from './event-view.js';

export interface StreamsParams {
  readonly out: NodeJS.WritableStream;
  readonly err: NodeJS.WritableStream;
  readonly palette: Palette;
  /** Print causes and stacks of errors. */
  readonly debug: boolean;
}

/**
 * Progress as plain, self-contained lines on stderr (logs, pipes, CI): one line per step
 * start and end, each stamped with the time since the command started, so lines of
 * machines provisioned in parallel still read on their own. Chatty details (every failed
 * SSH probe) are left to the live display and the debug log.
 */
export class PlainReporter implements Reporter {
  readonly #params: StreamsParams;
  readonly #started = performance.now();
  readonly #lastDetail = new Map<string, string>();

  constructor(params: StreamsParams) {
    this.#params = params;
  }

  event(event: FlowEvent): void {
    const view = viewOf(event);
    if (view === undefined) return;
    const { palette } = this.#params;
    switch (view.kind) {
      case 'started':
        this.#line(`${view.label} ...`);
        return;
      case 'finished':
        this.#line(`${view.label}: ${palette.green('done')} (${formatDuration(view.elapsedMs)})`);
        return;
      case 'failed':
        this.#line(`${view.label}: ${palette.red('failed')} (${formatDuration(view.elapsedMs)}): ${view.message}`);
        return;
      case 'detail':
        if (view.chatty === true || this.#lastDetail.get(view.key) === view.text) return;
        this.#lastDetail.set(view.key, view.text);
        // Machines boot side by side: each line names its machine.
        this.#line(view.about === undefined ? `  ${view.text}` : `machine ${view.about.machineId}: ${view.about.topic}: ${view.text}`);
        return;
      case 'note':
        this.notice(view.level, view.text);
        return;
      case 'output':
        this.#line(`machine ${view.machineId} | ${view.stream === 'stderr' ? palette.yellow(view.line) : view.line}`);
        return;
    }
  }

  notice(level: 'info' | 'warn' | 'error', message: string): void {
    const { palette } = this.#params;
    const prefix = level === 'warn' ? palette.yellow('warning: ') : level === 'error' ? palette.red('error: ') : '';
    this.#line(`${prefix}${message}`);
  }

  succeed(outcome: CommandOutcome): void {
    if (outcome.text !== '') this.#params.out.write(outcome.text.endsWith('\n') ? outcome.text : `${outcome.text}\n`);
  }

  fail(failure: CommandFailure): void {
    if (failure.outcome !== undefined) this.succeed(failure.outcome);
    this.#params.err.write(renderFailure(failure.error, this.#params));
  }

  close(): void {
    // Nothing is drawn live.
  }

  #line(text: string): void {
    const elapsed = formatDuration(performance.now() - this.#started);
    this.#params.err.write(`${this.#params.palette.dim(`[${elapsed}]`)} ${text}\n`);
  }
}
