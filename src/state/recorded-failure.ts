import { errorCodeOf, messageOf } from '../errors/index.js';
import { printableExcerpt } from './printable-excerpt.js';

/**
 * Why a machine or a bootstrap stopped half-way, as provider-state keeps it for `status`
 * and for clients that come later: the phase, the error's stable code, a short message
 * and when. The message is secret-free (error messages are), printable (no terminal
 * escapes) and short, so that a document read by every client stays small.
 */
export interface RecordedFailure {
  /** The phase that failed (`wait-ssh`, `configure`, …); a newer envboot may write others. */
  readonly phase: string;
  /** The error's stable code (`REMOTE_COMMAND_FAILED`, `CANCELLED`, …); `UNKNOWN` without one. */
  readonly code: string;
  readonly message: string;
  /** When it failed: an ISO 8601 time. */
  readonly at: string;
  /** The machine the phase ran on, for a bootstrap's failure; absent for environment-wide phases. */
  readonly machineId?: string;
}

/** How much of an error's message provider-state keeps, at most. */
export const failureMessageLength = 300;

export interface FailureFromErrorParams {
  readonly phase: string;
  readonly error: unknown;
  readonly machineId?: string | undefined;
  /** The clock; tests pass their own. */
  readonly now?: (() => Date) | undefined;
}

/**
 * The failure to record for `error`: its code, and its message made one printable line
 * of at most `failureMessageLength` characters, keeping the first line (what failed) and
 * as many of the last lines (the output tail that says why) as fit.
 *
 * @example
 * failureFromError({ phase: 'configure', error });
 * // { phase: 'configure', code: 'REMOTE_COMMAND_FAILED', message: 'configuring … failed: … | + false', at: '2024-…' }
 */
export function failureFromError(params: FailureFromErrorParams): RecordedFailure {
  return {
    phase: params.phase,
    code: errorCodeOf(params.error) ?? 'UNKNOWN',
    message: shortMessage(messageOf(params.error), failureMessageLength),
    at: (params.now?.() ?? new Date()).toISOString(),
    ...(params.machineId === undefined ? {} : { machineId: params.machineId }),
  };
}

/** `message`'s lines joined with ` | `: the first, `…`, then the last ones that fit in `maxLength`. */
export function shortMessage(message: string, maxLength: number): string {
  const lines = message
    .split('\n')
    .map((line) => printableExcerpt(line.trim(), Number.MAX_SAFE_INTEGER))
    .filter((line) => line !== '');
  const whole = lines.join(' | ');
  if (whole.length <= maxLength) return whole;
  const [first = '', ...rest] = lines;
  const head = printableExcerpt(first, Math.floor(maxLength / 2));
  const tail: string[] = [];
  let used = head.length + ' | … | '.length;
  for (const line of rest.reverse()) {
    if (used + line.length + (tail.length === 0 ? 0 : 3) > maxLength) break;
    tail.unshift(line);
    used += line.length + 3;
  }
  if (tail.length === 0) return printableExcerpt(whole, maxLength);
  return `${head} | … | ${tail.join(' | ')}`;
}

/** The YAML mapping of a failure, as provider-state stores it (kebab-case keys). */
export function failureToYaml(failure: RecordedFailure): Record<string, string> {
  return {
    phase: failure.phase,
    ...(failure.machineId === undefined ? {} : { machine: failure.machineId }),
    code: failure.code,
    message: failure.message,
    at: failure.at,
  };
}

/**
 * The failure in a provider-state mapping; undefined for anything that is not one (a
 * document from whoever can write the bucket). Strings are returned as stored: quote
 * them only through `printableExcerpt`.
 */
export function failureFromYaml(raw: unknown): RecordedFailure | undefined {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return undefined;
  const v = raw as Record<string, unknown>;
  const text = (key: string): string | undefined => (typeof v[key] === 'string' ? v[key] : undefined);
  const phase = text('phase');
  if (phase === undefined) return undefined;
  const machineId = text('machine');
  return {
    phase,
    code: text('code') ?? 'UNKNOWN',
    message: text('message') ?? '',
    at: text('at') ?? '',
    ...(machineId === undefined ? {} : { machineId }),
  };
}
