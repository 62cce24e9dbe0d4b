import { ErrorCode } from './envboot-error.js';
import { errorCodeOf } from './guards.js';

/**
 * The CLI's exit codes. They are part of the public interface (scripts branch on them),
 * documented in docs/errors.md, and never renumbered.
 */
export const ExitCode = {
  Ok: 0,
  Failed: 1,
  BadInput: 2,
  Credentials: 3,
  Interrupted: 130,
} as const;

export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

const deciding: Readonly<Record<string, ExitCode>> = {
  [ErrorCode.ConfigInvalid]: ExitCode.BadInput,
  [ErrorCode.CredentialsInvalid]: ExitCode.Credentials,
  [ErrorCode.Cancelled]: ExitCode.Interrupted,
  // A deadline that ran out is a failure, though it stopped the work by cancelling it.
  [ErrorCode.Timeout]: ExitCode.Failed,
};

/**
 * The exit code for an error: bad input 2, credentials 3, cancelled 130, anything else
 * 1. The outermost error in the cause chain whose code decides wins, so a credential
 * failure wrapped in context still exits 3, and a timeout that cancelled the work exits 1.
 */
export function exitCodeFor(error: unknown): ExitCode {
  const seen = new Set<unknown>();
  for (let e: unknown = error; e !== undefined && e !== null && !seen.has(e); e = (e as { cause?: unknown }).cause) {
    seen.add(e);
    const code = errorCodeOf(e);
    if (code !== undefined && code in deciding) return deciding[code] ?? ExitCode.Failed;
  }
  return ExitCode.Failed;
}
