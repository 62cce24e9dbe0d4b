import { setTimeout as delay } from 'node:timers/promises';

/**
 * Exponential back-off with full jitter: each pause is random between half and all of
 * the current step, so that many attempts started together do not stay in lockstep.
 */
export class Backoff {
  readonly #min: number;
  readonly #max: number;
  #step: number;

  constructor(params: { minMs: number; maxMs: number }) {
    this.#min = params.minMs;
    this.#max = Math.max(params.minMs, params.maxMs);
    this.#step = this.#min;
  }

  /** A new back-off with the same limits, starting from the minimum. */
  fresh(): Backoff {
    return new Backoff({ minMs: this.#min, maxMs: this.#max });
  }

  /** The next pause in milliseconds; the step doubles up to the maximum. */
  next(): number {
    const pause = this.#step * (0.5 + Math.random() / 2);
    this.#step = Math.min(this.#step * 2, this.#max);
    return pause;
  }

  reset(): void {
    this.#step = this.#min;
  }
}

/** Waits `ms`, or less if `signal` aborts; never rejects. */
export async function sleep(ms: number, signal: AbortSignal): Promise<void> {
  await delay(ms, undefined, { signal }).catch(() => undefined);
}

/**
 * Whether the signal has aborted. A function, not the property, so that TypeScript does
 * not carry a check made before an `await` over to after it.
 */
export function stopped(signal: AbortSignal): boolean {
  return signal.aborted;
}
