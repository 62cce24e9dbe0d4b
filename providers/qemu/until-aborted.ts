import { CancelledError } from '../../src/index.js';

/**
 * `promise`, or a `CANCELLED` rejection as soon as `signal` aborts, for work shared by
 * several callers (a probe, a host check) that one caller's cancellation must not stop.
 */
export function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined, what: string): Promise<T> {
  if (signal === undefined) return promise;
  if (signal.aborted) return Promise.reject(new CancelledError(`${what} cancelled`, { cause: signal.reason }));
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => { reject(new CancelledError(`${what} cancelled`, { cause: signal.reason })); };
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => { signal.removeEventListener('abort', onAbort); }).catch(() => undefined);
  });
}

/** `value()` as a promise, or a `CANCELLED` rejection when `signal` is aborted (never a synchronous throw). */
export function unlessCancelled<T>(signal: AbortSignal | undefined, what: string, value: () => T): Promise<T> {
  if (signal?.aborted === true) return Promise.reject(new CancelledError(`${what} cancelled`, { cause: signal.reason }));
  return Promise.resolve(value());
}
