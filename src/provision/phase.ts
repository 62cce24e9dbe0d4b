import { errorCodeOf, messageOf } from '../errors/index.js';
import type { FlowEventSink, Phase } from './events.js';

/** How long one phase took, for results. */
export interface PhaseTiming {
  readonly phase: Phase;
  readonly machineId?: string;
  readonly elapsedMs: number;
}

export interface RunPhaseParams<T> {
  readonly phase: Phase;
  readonly machineId?: string;
  readonly onEvent: FlowEventSink | undefined;
  /** Timings are appended here. */
  readonly timings: PhaseTiming[];
  readonly run: () => Promise<T>;
}

/** Runs one phase, reporting its start and end and recording how long it took. */
export async function runPhase<T>(params: RunPhaseParams<T>): Promise<T> {
  const machine = params.machineId === undefined ? {} : { machineId: params.machineId };
  const started = performance.now();
  params.onEvent?.({ type: 'phase.started', phase: params.phase, ...machine });
  try {
    const value = await params.run();
    const elapsedMs = Math.round(performance.now() - started);
    params.timings.push({ phase: params.phase, ...machine, elapsedMs });
    params.onEvent?.({ type: 'phase.finished', phase: params.phase, ...machine, elapsedMs });
    return value;
  } catch (error) {
    const elapsedMs = Math.round(performance.now() - started);
    params.onEvent?.({
      type: 'phase.failed',
      phase: params.phase,
      ...machine,
      elapsedMs,
      code: errorCodeOf(error) ?? 'UNKNOWN',
      message: messageOf(error),
    });
    throw error;
  }
}
