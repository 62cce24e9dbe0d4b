import { ErrorCode } from './envboot-error.js';
import { findInChain } from './guards.js';

/**
 * The CLI's exit codes. They are part of the public interface (scripts branch on them),
 * documented in the README, and never renumbered.
 */
export const ExitCode = {
  Ok: 0,
  Failed: 1,
  BadInput: 2,
  Credentials: 3,
  Interrupted: 130,
} as const;

export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/**
 * The exit code for an error: bad input 2, credentials 3, cancelled 130, anything else
 * 1. The cause chain is searched in that order, so a credential failure wrapped in
 * context still exits 3.
 */
export function exitCodeFor(error: unknown): ExitCode {
  if (findInChain(error, ErrorCode.ConfigInvalid) !== undefined) return ExitCode.BadInput;
  if (findInChain(error, ErrorCode.CredentialsInvalid) !== undefined) return ExitCode.Credentials;
  if (findInChain(error, ErrorCode.Cancelled) !== undefined) return ExitCode.Interrupted;
  return ExitCode.Failed;
}
