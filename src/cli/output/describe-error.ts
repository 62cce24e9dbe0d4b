import { ErrorCode, consoleOf, messageOf, type ConsoleExcerpt } from '../../errors/index.js';

/** An error as `--json` reports it: its code, message and problems, then its causes. */
export interface ErrorDescription {
  readonly code: string;
  readonly message: string;
  readonly problems?: readonly { readonly path: string; readonly message: string }[];
  readonly causes?: readonly { readonly code?: string; readonly message: string }[];
  /** The end of the machine's console, when the machine never answered. */
  readonly console?: ConsoleExcerpt;
}

export function describeError(error: unknown): ErrorDescription {
  const top = asRecord(error);
  const problems = Array.isArray(top['problems']) ? (top['problems'] as ErrorDescription['problems']) : undefined;
  const causes: { code?: string; message: string }[] = [];
  let cause = top['cause'];
  for (let depth = 0; cause !== undefined && cause !== null && depth < 5; depth += 1) {
    const record = asRecord(cause);
    causes.push({ ...(typeof record['code'] === 'string' ? { code: record['code'] } : {}), message: messageOf(cause) });
    cause = record['cause'];
  }
  const excerpt = consoleOf(error);
  return {
    code: typeof top['code'] === 'string' && top['code'] in codes ? top['code'] : 'FAILED',
    message: error instanceof Error ? error.message : String(error),
    ...(problems === undefined || problems.length === 0 ? {} : { problems }),
    ...(causes.length === 0 ? {} : { causes }),
    ...(excerpt === undefined ? {} : { console: excerpt }),
  };
}

// Only envboot's own codes are reported as `code`; a Node or SDK code is a cause's detail.
const codes: Readonly<Record<string, true>> = Object.fromEntries(Object.values(ErrorCode).map((code) => [code, true]));

function asRecord(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : { message: String(value) };
}
