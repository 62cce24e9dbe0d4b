import { CancelledError } from '../../src/index.js';

function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return promise;
  if (signal.aborted) return Promise.reject(new CancelledError('refreshing the machines cancelled', { cause: signal.reason }));
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => { reject(new CancelledError('refreshing the machines cancelled', { cause: signal.reason })); };
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => { signal.removeEventListener('abort', onAbort); });
  });
}

/**
 * One listing shared by every concurrent caller, and reused until it is `maxAgeMs` old:
 * however many machines are being waited for, each with its own refresh loop, the cloud
 * is asked at most once per `maxAgeMs` (and never twice at the same time). A failed
 * listing is not reused.
 */
export class SharedListing<T> {
  readonly #maxAgeMs: number;
  #current: { promise: Promise<T>; startedAt: number } | undefined;

  constructor(params: { readonly maxAgeMs: number }) {
    this.#maxAgeMs = params.maxAgeMs;
  }

  /**
   * The shared listing. `fetch` gets no caller's signal (one caller giving up must not
   * fail the others); `signal` lets this caller stop waiting for it.
   */
  get(fetch: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    const now = Date.now();
    const current = this.#current;
    if (current !== undefined && now - current.startedAt < this.#maxAgeMs) return abortable(current.promise, signal);
    const promise = fetch();
    const started = { promise, startedAt: now };
    this.#current = started;
    promise.catch(() => {
      if (this.#current === started) this.#current = undefined;
    });
    return abortable(promise, signal);
  }

  /** Forgets the listing, so that the next caller sees changes this process just made. */
  invalidate(): void {
    this.#current = undefined;
  }
}
