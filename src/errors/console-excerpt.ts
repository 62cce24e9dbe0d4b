/**
 * The end of a machine's console, carried by an error about a machine that did not come
 * up (`TIMEOUT`, `INSTANCE_FAILED`), so the operator sees what the machine printed
 * without a second command. Its lines are already printable and redacted.
 */
export interface ConsoleExcerpt {
  readonly instanceId: string;
  /** The last lines, oldest first: no control characters, no secrets. */
  readonly lines: readonly string[];
  /** Where the whole console can be read (a file on this host, or a command). */
  readonly location?: string;
}

const key = 'console';

/**
 * `error` with `excerpt` attached as its `console` property (not part of the message: the
 * CLI shows it as a block of its own, `--json` as a field). Returns the same error.
 */
export function withConsole<E extends Error>(error: E, excerpt: ConsoleExcerpt): E {
  Object.defineProperty(error, key, { value: excerpt, enumerable: true, configurable: true, writable: false });
  return error;
}

/**
 * The console excerpt an error carries, if any: its own, or the nearest in its cause
 * chain (an error re-worded for the operator keeps the one it wraps).
 */
export function consoleOf(error: unknown): ConsoleExcerpt | undefined {
  const seen = new Set<unknown>();
  for (let e: unknown = error; e !== null && typeof e === 'object' && !seen.has(e); e = (e as { cause?: unknown }).cause) {
    seen.add(e);
    const value = (e as Record<string, unknown>)[key];
    if (value === null || typeof value !== 'object') continue;
    const candidate = value as Partial<ConsoleExcerpt>;
    if (typeof candidate.instanceId === 'string' && Array.isArray(candidate.lines)) return value as ConsoleExcerpt;
  }
  return undefined;
}
