import { CancelledError } from '../errors/index.js';

export interface Interrupts {
  /** Aborted by the first Ctrl-C (or SIGTERM, SIGHUP): stop and clean up. */
  readonly signal: AbortSignal;
  /** Aborted by the second: stop cleaning up too, and report what is left. */
  readonly cleanupSignal: AbortSignal;
  /** Removes the handlers. */
  dispose(): void;
}

export interface WatchInterruptsParams {
  readonly process: NodeJS.Process;
  /** Told on each interrupt, 1 for the first, 2 for the second, with the signal. */
  readonly onInterrupt: (count: number, signal: NodeJS.Signals) => void;
  /**
   * Whether the operation cleans up after an interrupt (bootstrap, add-machine): then the
   * second interrupt stops the clean-up and the third quits; otherwise the second quits.
   */
  readonly cleansUp: boolean;
}

const signals: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/**
 * Only the CLI installs signal handlers (the library takes AbortSignals). The first
 * interrupt aborts the operation, which then cleans up what it created; the second aborts
 * the clean-up; a third ends the process at once with 130, for an operator who must get
 * their terminal back whatever is left.
 */
export function watchInterrupts(params: WatchInterruptsParams): Interrupts {
  const operation = new AbortController();
  const cleanup = new AbortController();
  let count = 0;
  const handler = (signal: NodeJS.Signals): void => {
    count += 1;
    const quitAt = params.cleansUp ? 3 : 2;
    if (count >= quitAt) params.process.exit(130);
    else if (count === 1) operation.abort(new CancelledError(`interrupted (${signal})`));
    else cleanup.abort(new CancelledError(`interrupted again (${signal}): clean-up stopped`));
    params.onInterrupt(count, signal);
  };
  for (const signal of signals) params.process.on(signal, handler);
  return {
    signal: operation.signal,
    cleanupSignal: cleanup.signal,
    dispose: () => {
      for (const signal of signals) params.process.off(signal, handler);
    },
  };
}
