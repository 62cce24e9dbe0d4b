/**
 * Storage's own errors. storage/ may not import envboot's error family (the layers point
 * one way), so these carry the same stable code strings instead; envboot's guards
 * (`isNotFound`, `isPreconditionFailed`, …) classify by code and accept them as they are.
 */
export type StorageErrorCode = 'NOT_FOUND' | 'PRECONDITION_FAILED' | 'CONFIG_INVALID' | 'CANCELLED' | 'CREDENTIALS_INVALID';

export class StorageError extends Error {
  readonly code: StorageErrorCode;
  /** The key the failed operation was about, when there was one. */
  readonly key: string | undefined;

  constructor(code: StorageErrorCode, message: string, options: { key?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'StorageError';
    this.code = code;
    this.key = options.key;
  }
}

export function notFound(storage: string, key: string): StorageError {
  return new StorageError('NOT_FOUND', `object "${key}" not found in ${storage}`, { key });
}

export function preconditionFailed(storage: string, key: string, why: string): StorageError {
  return new StorageError(
    'PRECONDITION_FAILED',
    `conditional write of "${key}" in ${storage} lost the race (${why}); re-read it and retry`,
    { key },
  );
}

export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted === true) {
    throw new StorageError('CANCELLED', 'storage operation cancelled', { cause: signal.reason });
  }
}
