import { setTimeout as sleep } from 'node:timers/promises';
import { asError, CancelledError, throwIfCancelled } from '../../errors/index.js';

/** Waits `ms`; rejects with `CANCELLED` (naming `what`) as soon as `signal` aborts. */
export async function delay(ms: number, signal: AbortSignal | undefined, what: string): Promise<void> {
  throwIfCancelled(signal, what);
  if (ms <= 0) return;
  try {
    await sleep(ms, undefined, signal === undefined ? {} : { signal });
  } catch (error) {
    throwIfCancelled(signal, what);
    throw error;
  }
}

/**
 * Settles as `work` does, or rejects with `CANCELLED` as soon as `signal` aborts. The work
 * itself goes on: what was already asked of the cloud stays asked.
 */
export function untilSettled<T>(work: Promise<T>, signal: AbortSignal | undefined, what: string): Promise<T> {
  if (signal === undefined) return work;
  throwIfCancelled(signal, what);
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => {
      reject(new CancelledError(`${what} cancelled`, { cause: signal.reason }));
    };
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(asError(error));
      },
    );
  });
}
