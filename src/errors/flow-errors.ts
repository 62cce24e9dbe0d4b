import { EnvbootError, ErrorCode, type EnvbootErrorOptions } from './envboot-error.js';

/** An operation ran past its deadline. */
export class TimeoutError extends EnvbootError {
  constructor(message: string, options: EnvbootErrorOptions = {}) {
    super(ErrorCode.Timeout, message, options);
  }
}

/** The caller aborted the operation (Ctrl-C, or an `AbortSignal`). */
export class CancelledError extends EnvbootError {
  constructor(message = 'operation cancelled', options: EnvbootErrorOptions = {}) {
    super(ErrorCode.Cancelled, message, options);
  }
}

/**
 * Throws a `CancelledError` (with the signal's reason as cause) when `signal` has been
 * aborted. Call it between steps of a long operation.
 */
export function throwIfCancelled(signal: AbortSignal | undefined, what = 'operation'): void {
  if (signal?.aborted === true) {
    throw new CancelledError(`${what} cancelled`, { cause: signal.reason });
  }
}
