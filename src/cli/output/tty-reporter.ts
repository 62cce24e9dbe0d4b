import { stripVTControlCharacters } from 'node:util';
import type { FlowEvent } from '../../provision/events.js';
import { formatDuration } from '../../util/duration.js';
import { viewOf, type EventView } from './event-view.js';
import type { StreamsParams } from './plain-reporter.js';
import { renderFailure } from './render-failure.js';
import type { CommandFailure, CommandOutcome, Reporter } from './reporter.js';

interface ActiveStep {
  readonly label: string;
  readonly started: number;
  detail?: string;
}

const frames = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const frameMs = 100;

/**
 * The live display on a terminal: finished steps, notices and configure output scroll
 * up as permanent lines; the steps still running stay at the bottom, each with a
 * spinner, its latest detail and its elapsed time, redrawn in place. Only the bottom
 * block is ever rewritten, so output printed above it is never lost or garbled.
 */
export class TtyReporter implements Reporter {
  readonly #params: StreamsParams & { readonly columns: () => number };
  readonly #active = new Map<string, ActiveStep>();
  #drawn = 0;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(params: StreamsParams & { readonly columns: () => number }) {
    this.#params = params;
  }

  event(event: FlowEvent): void {
    const view = viewOf(event);
    if (view !== undefined) this.#show(view);
  }

  notice(level: 'info' | 'warn' | 'error', message: string): void {
    this.#show({ kind: 'note', level, text: message });
  }

  succeed(outcome: CommandOutcome): void {
    this.close();
    if (outcome.text !== '') this.#params.out.write(outcome.text.endsWith('\n') ? outcome.text : `${outcome.text}\n`);
  }

  fail(failure: CommandFailure): void {
    this.close();
    if (failure.outcome !== undefined && failure.outcome.text !== '') this.#params.out.write(failure.outcome.text.replace(/\n?$/, '\n'));
    this.#params.err.write(renderFailure(failure.error, this.#params));
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#timer);
    this.#active.clear();
    this.#redraw([]);
  }

  #show(view: EventView): void {
    if (this.#closed) return;
    const { palette } = this.#params;
    const lines: string[] = [];
    switch (view.kind) {
      case 'started':
        this.#active.set(view.key, { label: view.label, started: performance.now() });
        this.#tick();
        break;
      case 'finished':
        this.#active.delete(view.key);
        lines.push(`${palette.green('✔')} ${view.label} ${palette.dim(formatDuration(view.elapsedMs))}`);
        break;
      case 'failed':
        this.#active.delete(view.key);
        lines.push(`${palette.red('✖')} ${view.label} ${palette.dim(formatDuration(view.elapsedMs))}: ${view.message}`);
        break;
      case 'detail': {
        const step = this.#active.get(view.key);
        if (step !== undefined) step.detail = view.text;
        break;
      }
      case 'note':
        lines.push(view.level === 'warn' ? `${palette.yellow('!')} ${view.text}` : view.level === 'error' ? `${palette.red('✖')} ${view.text}` : `${palette.cyan('•')} ${view.text}`);
        break;
      case 'output':
        lines.push(palette.dim(`  │ ${this.#active.size > 1 ? `[${view.machineId}] ` : ''}`) + (view.stream === 'stderr' ? palette.yellow(view.line) : view.line));
        break;
    }
    this.#redraw(lines);
  }

  /** Keeps the spinners turning while a step runs; unref'd so it never holds the process open. */
  #tick(): void {
    if (this.#timer !== undefined) return;
    this.#timer = setInterval(() => {
      if (this.#active.size > 0) this.#redraw([]);
    }, frameMs);
    this.#timer.unref();
  }

  /** Erases the live block, prints `permanent` above where it was, draws the block again. */
  #redraw(permanent: readonly string[]): void {
    const { err } = this.#params;
    let text = this.#drawn > 0 ? `\u001b[${this.#drawn}F\u001b[0J` : '';
    for (const line of permanent) text += `${line}\n`;
    const live = this.#liveLines();
    for (const line of live) text += `${line}\n`;
    this.#drawn = live.length;
    if (text !== '') err.write(text);
  }

  #liveLines(): string[] {
    const { palette } = this.#params;
    const now = performance.now();
    const frame = frames[Math.floor(now / frameMs) % frames.length] ?? '-';
    const width = Math.max(20, this.#params.columns() - 1);
    return [...this.#active.values()].map((step) => {
      const detail = step.detail === undefined ? '' : palette.dim(` (${step.detail})`);
      const line = `${palette.cyan(frame)} ${step.label}${detail} ${palette.dim(formatDuration(now - step.started))}`;
      return fitWidth(line, width);
    });
  }
}

/** Cuts a line to the terminal's width (a wrapped line would break the in-place redraw). */
function fitWidth(line: string, width: number): string {
  const visible = stripVTControlCharacters(line);
  if (visible.length <= width) return line;
  return `${visible.slice(0, width - 1)}…`;
}
