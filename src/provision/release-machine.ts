import { messageOf } from '../errors/index.js';
import { TagKey, type Environ } from '../provider/index.js';
import { forgetMachines } from '../state/index.js';
import { signalOf } from '../util/optional.js';
import type { FlowEventSink } from './events.js';
import { runPhase, type PhaseTiming } from './phase.js';

export interface ReleaseMachineParams {
  readonly environ: Environ;
  readonly machineId: string;
  /** The instance, when its start returned; otherwise it is looked for by its machine tag. */
  readonly instanceId?: string;
  readonly keepBroken: boolean;
  readonly onEvent?: FlowEventSink;
  readonly timings: PhaseTiming[];
  /** Aborting gives up the clean-up and reports what was left. */
  readonly signal?: AbortSignal;
}

/**
 * Undoes a machine that failed half-way: stops its instance (also one whose start was
 * interrupted before the provider answered, found by its machine tag) and removes its
 * record from provider-state. Never throws: what it could not remove is reported as a
 * `cleanup.failed` event, what it kept on purpose as `cleanup.kept`.
 */
export async function releaseMachine(params: ReleaseMachineParams): Promise<void> {
  const { environ, onEvent } = params;
  if (params.keepBroken) {
    const what = params.instanceId ?? `machine ${params.machineId}`;
    onEvent?.({ type: 'cleanup.kept', resource: `instance ${what}`, reason: 'keep-broken was given' });
    return;
  }
  await runPhase({
    phase: 'cleanup',
    machineId: params.machineId,
    onEvent,
    timings: params.timings,
    run: async () => {
      let ids: string[] = params.instanceId === undefined ? [] : [params.instanceId];
      try {
        if (ids.length === 0) {
          const all = await environ.allInstances(signalOf(params));
          ids = all.filter((i) => i.tags[TagKey.MachineId] === params.machineId).map((i) => i.id);
        }
        if (ids.length > 0) await environ.stopInstances({ ids, waitUntilGone: true, ...signalOf(params) });
        for (const id of ids) onEvent?.({ type: 'cleanup.removed', resource: `instance ${id}` });
      } catch (error) {
        for (const id of ids.length > 0 ? ids : [`of machine ${params.machineId}`]) {
          onEvent?.({ type: 'cleanup.failed', resource: `instance ${id}`, message: messageOf(error) });
        }
        return;
      }
      if (ids.length === 0) return;
      try {
        await forgetMachines({ storage: environ.storage(), instanceIds: ids, ...signalOf(params) });
      } catch (error) {
        onEvent?.({ type: 'cleanup.failed', resource: `machine ${params.machineId} in provider-state`, message: messageOf(error) });
      }
    },
  }).catch(() => undefined);
}
