/**
 * Turns a byte stream into lines (without their newline), holding a partial line until
 * it completes or the stream ends. Bytes are decoded as UTF-8 per line, so a character
 * split across chunks survives.
 */
export class LineSplitter {
  #pending: Buffer = Buffer.alloc(0);

  constructor(private readonly onLine: (line: string) => void) {}

  push(chunk: Buffer): void {
    let data = this.#pending.length === 0 ? chunk : Buffer.concat([this.#pending, chunk]);
    for (let newline = data.indexOf(10); newline !== -1; newline = data.indexOf(10)) {
      this.onLine(data.subarray(0, newline).toString('utf8').replace(/\r$/, ''));
      data = data.subarray(newline + 1);
    }
    this.#pending = Buffer.from(data);
  }

  end(): void {
    if (this.#pending.length > 0) this.onLine(this.#pending.toString('utf8'));
    this.#pending = Buffer.alloc(0);
  }
}

/** The last `size` lines seen, for error messages. */
export class LineTail {
  readonly #lines: string[] = [];

  constructor(private readonly size: number) {}

  add(line: string): void {
    this.#lines.push(line);
    if (this.#lines.length > this.size) this.#lines.shift();
  }

  lines(): string[] {
    return [...this.#lines];
  }
}
