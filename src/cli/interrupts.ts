import { CancelledError, ExitCode } from '../errors/index.js';
import { hangUpExitCode, releaseTerminal } from './terminal-hangup.js';

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
  /** Told on each interrupt, 1 for the first, 2 for the second, with the signal; of a hang-up once, with the count it left as it was. */
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
 * their terminal back whatever is left (129 once the terminal hung up). SIGHUP aborts the
 * operation like the others, but never the clean-up: the terminal is gone, nobody asked
 * twice; `onInterrupt` hears of it once, with the count so far.
 */
export function watchInterrupts(params: WatchInterruptsParams): Interrupts {
  const operation = new AbortController();
  const cleanup = new AbortController();
  let count = 0;
  let hungUp = false;
  const handler = (signal: NodeJS.Signals): void => {
    // A hang-up is no operator asking again: it stops the operation (when nothing else did), never the clean-up.
    // A closing terminal may also send it more than once (the kernel, then the shell passing it on).
    if (signal === 'SIGHUP' && (hungUp || count > 0)) {
      if (!hungUp) params.onInterrupt(count, signal);
      hungUp = true;
      return;
    }
    count += 1;
    hungUp ||= signal === 'SIGHUP';
    const quitAt = params.cleansUp ? 3 : 2;
    if (count >= quitAt) quit(params.process, hungUp);
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

/** Ends the process at once; after a hang-up, without Node's abort on the terminal that is gone (see `releaseTerminal`). */
function quit(process: NodeJS.Process, hungUp: boolean): void {
  if (hungUp) releaseTerminal(process);
  process.exit(hungUp ? hangUpExitCode : ExitCode.Interrupted);
}
