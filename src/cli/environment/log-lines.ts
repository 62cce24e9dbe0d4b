import { StringDecoder } from 'node:string_decoder';
import { consoleLines } from '../../logging/console-lines.js';
import { redacted, type SecretRedactor } from '../../logging/redact.js';

const keyBegin = /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/;
const keyEnd = /-----END [A-Z0-9 ]*PRIVATE KEY-----/;

export interface LogLinesParams {
  /** The file's bytes, or the end of them. */
  readonly content: Buffer;
  /** True when `content` is only the end of the file: its first line is a piece of one. */
  readonly cutAtStart: boolean;
  readonly redactor: SecretRedactor;
  readonly maxLines: number;
}

/**
 * A machine's log as lines fit to show: through `consoleLines`, as a console is
 * (escape sequences and control characters gone, private key blocks, `#cloud-config`
 * bodies and the redactor's values replaced), the whole text at once so that a block
 * spanning lines goes as one, and only then cut to the last `maxLines`. When the text is
 * only the end of the file and the cut fell inside a key block, its END marker has no
 * BEGIN left to match: everything up to it is replaced too.
 */
export function logLines(params: LogLinesParams): { lines: string[]; total: number } {
  let text = params.content.toString('utf8');
  if (params.cutAtStart) {
    text = text.slice(text.indexOf('\n') + 1);
    const end = keyEnd.exec(text);
    const begin = keyBegin.exec(text);
    if (end !== null && (begin === null || end.index < begin.index)) text = `${redacted}${text.slice(end.index + end[0].length)}`;
  }
  const all = consoleLines(text, params.redactor, Number.POSITIVE_INFINITY);
  return { lines: all.slice(-Math.max(1, params.maxLines)), total: all.length };
}

/** The bytes of `content` up to and including its last newline: a line still being written waits for the follow. */
export function completeLinesLength(content: Buffer): number {
  return content.lastIndexOf(0x0a) + 1;
}

export interface RedactedLineStreamParams {
  readonly redactor: SecretRedactor;
  /**
   * How many lines an open secret block (a key without its END yet, a `#cloud-config`
   * body, which runs to the end of the text) is held back before the rest of the stream
   * is hidden for good. Default 200.
   */
  readonly maxHeldLines?: number;
  /** Called once, when the rest of the stream starts to be hidden. */
  readonly onHiding?: () => void;
}

/**
 * A growing log (`tail -F`) made printable and redacted as it arrives, line by line,
 * through the same `consoleLines` as a whole file. Lines are held back while the text
 * ends inside a secret block, whose shown form ends with the redaction mark, and
 * released when the block closes, so that no line of a key is ever shown on its own.
 * A block that stays open past `maxHeldLines` (a `#cloud-config` body never closes)
 * hides the rest of the stream: `hiding` turns true, and `onHiding` is called.
 */
export class RedactedLineStream {
  readonly #redactor: SecretRedactor;
  readonly #maxHeld: number;
  readonly #onHiding: (() => void) | undefined;
  readonly #decoder = new StringDecoder('utf8');
  #partial = '';
  /** Complete raw lines since the last point where no block was open. */
  #held: string[] = [];
  /** How many of the held text's shown lines are already out. */
  #shown = 0;
  #hiding = false;

  constructor(params: RedactedLineStreamParams) {
    this.#redactor = params.redactor;
    this.#maxHeld = params.maxHeldLines ?? 200;
    this.#onHiding = params.onHiding;
  }

  /** True once an open block outlasted `maxHeldLines`: nothing more will be shown. */
  get hiding(): boolean {
    return this.#hiding;
  }

  /**
   * Continues after `text`, the complete lines already shown whole: when they end inside
   * a block, the stream starts inside it (or hides everything, when the block began more
   * than `maxHeldLines` back).
   */
  startAfter(text: string): void {
    if (!endsOpen(consoleLines(text, this.#redactor, 1))) return;
    const lines = text.split('\n');
    if (lines.at(-1) === '') lines.pop();
    const tail = lines.slice(-this.#maxHeld);
    const shown = consoleLines(tail.join('\n'), this.#redactor, Number.POSITIVE_INFINITY);
    if (lines.length > tail.length || !endsOpen(shown)) {
      this.#hide();
      return;
    }
    this.#held = tail;
    this.#shown = shown.length - 1;
  }

  /** The lines to print now. */
  push(chunk: Buffer): string[] {
    const text = this.#partial + this.#decoder.write(chunk);
    const lines = text.split('\n');
    this.#partial = lines.pop() ?? '';
    return lines.length === 0 ? [] : this.#take(lines);
  }

  /** The stream ended: what is left, the last partial line too; an open block stays hidden. */
  end(): string[] {
    const rest = this.#partial + this.#decoder.end();
    this.#partial = '';
    const out = rest === '' ? [] : this.#take([rest]);
    if (this.#held.length === 0) return out;
    const shown = consoleLines(this.#held.join('\n'), this.#redactor, Number.POSITIVE_INFINITY);
    this.#held = [];
    return [...out, ...shown.slice(this.#shown)];
  }

  #take(lines: readonly string[]): string[] {
    if (this.#hiding) return [];
    this.#held.push(...lines);
    const shown = consoleLines(this.#held.join('\n'), this.#redactor, Number.POSITIVE_INFINITY);
    if (!endsOpen(shown)) {
      const out = shown.slice(this.#shown);
      this.#held = [];
      this.#shown = 0;
      return out;
    }
    if (this.#held.length > this.#maxHeld) {
      this.#hide();
      const out = shown.slice(this.#shown);
      this.#held = [];
      return out;
    }
    const out = shown.slice(this.#shown, -1);
    this.#shown = shown.length - 1;
    return out;
  }

  #hide(): void {
    this.#hiding = true;
    this.#onHiding?.();
  }
}

function endsOpen(shown: readonly string[]): boolean {
  return shown.at(-1)?.endsWith(redacted) === true;
}
