import type { ConsoleExcerpt } from '../errors/index.js';
import { consoleLines, SecretRedactor } from '../logging/index.js';
import { hasConsoleOutput, type Environ } from '../provider/index.js';

export interface ReadConsoleParams {
  readonly environ: Environ;
  readonly instanceId: string;
  /** How many of the last lines to keep. Default 25. */
  readonly lines?: number;
  /** Exact values that must not be shown (the machine's nonce, host private key, user-data). */
  readonly secrets?: readonly string[];
  /** A slow console API must not hold up the error it is meant to explain. Default 10 s. */
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
}

/**
 * The end of an instance's console, printable and redacted, when the provider has the
 * console ability and has output for it; undefined otherwise. Never throws: it is read
 * to explain another failure, and its own failure must not replace that one.
 */
export async function readConsole(params: ReadConsoleParams): Promise<ConsoleExcerpt | undefined> {
  const { environ } = params;
  if (!hasConsoleOutput(environ) || params.signal?.aborted === true) return undefined;
  const lines = params.lines ?? 25;
  const timeout = AbortSignal.timeout(params.timeoutMs ?? 10_000);
  const signal = params.signal === undefined ? timeout : AbortSignal.any([params.signal, timeout]);
  try {
    const output = await environ.consoleOutput({ id: params.instanceId, lines, signal });
    if (output === undefined) return undefined;
    const redactor = new SecretRedactor();
    for (const secret of params.secrets ?? []) {
      redactor.add(secret);
      // A console may end its lines with \r\n, which the whole value would not match.
      for (const line of secret.split('\n')) if (line.trim().length >= 16) redactor.add(line.trim());
    }
    const shown = consoleLines(output.text, redactor, lines);
    if (shown.length === 0) return undefined;
    return { instanceId: params.instanceId, lines: shown, ...(output.location === undefined ? {} : { location: output.location }) };
  } catch {
    return undefined;
  }
}
