import type { CloudConfig, MachineProxySettings } from '../../cloudinit/index.js';
import { throwIfCancelled } from '../errors/index.js';
import type { Constraints, Environ } from '../provider/index.js';
import {
  provisionMachine,
  type FlowEventSink,
  type MachineProofKeeper,
  type MachineTimeouts,
  type PhaseTiming,
  type ProvisionedMachine,
} from '../provision/index.js';
import type { MachineFailure } from './mark-ready.js';
export type { MachineFailure } from './mark-ready.js';
import type { SshKeyPair } from '../ssh/index.js';
import { machineKeyLines, reserveMachineIds } from '../state/index.js';
import { addMachinesPreflight } from './add-machines-preflight.js';
import { markReady, settledMachines } from './mark-ready.js';
import { mapConcurrent } from '../util/map-concurrent.js';
import { signalOf } from '../util/optional.js';

export interface AddMachinesParams {
  readonly environ: Environ;
  /** How many machines; 1 to 1,000. */
  readonly count: number;
  /**
   * One placement directive per machine (the manual provider's hosts); when given, its
   * length must equal `count`.
   */
  readonly placements?: readonly string[] | undefined;
  /** What each machine must have; its `zones` are where they may go. Checked before any id is reserved. */
  readonly constraints?: Constraints | undefined;
  /** Zones the machines may go to (`--zone`), in place of the constraints' `zones`; every usable zone when absent or empty. */
  readonly zones?: readonly string[] | undefined;
  /** The environment's client key (the one bootstrap used or returned). */
  readonly clientKey: SshKeyPair;
  /** Applied over SSH to each machine once verified. */
  readonly config?: CloudConfig | undefined;
  /** The environment's proxies and apt mirror, applied to every machine configured (see `configureMachine`). */
  readonly proxies?: MachineProxySettings | undefined;
  /** Machines provisioned at once. Default 10. */
  readonly concurrency?: number | undefined;
  readonly timeouts?: MachineTimeouts | undefined;
  readonly keepBroken?: boolean | undefined;
  /** Where each new machine's proof is kept until it is ready, so that `resumeMachines` can go on with it after a crash. */
  readonly proofs?: MachineProofKeeper | undefined;
  readonly onEvent?: FlowEventSink | undefined;
  readonly signal?: AbortSignal | undefined;
  readonly cleanupSignal?: AbortSignal | undefined;
}

export interface AddMachinesResult {
  /** The machines that came up, in machine-id order. */
  readonly machines: readonly ProvisionedMachine[];
  /** The machines that did not, each with why; their instances were removed (unless keepBroken). */
  readonly failures: readonly MachineFailure[];
  readonly instanceType?: string;
  readonly phases: readonly PhaseTiming[];
  readonly elapsedMs: number;
}

/**
 * Adds machines to a bootstrapped environment, several at once: each gets its own id,
 * host key and nonce, is planned as bootstrap plans the controller (`planMachines`: the same
 * instance type, zones and constraint checks; then the least populated usable zone
 * first, zones that just failed skipped), verified over SSH and configured. One
 * machine's failure does not stop the others: the result lists both kinds, and a failed
 * machine leaves nothing behind. Bad input (count, zones, constraints the provider cannot
 * meet, cloud-config) fails before any machine id is reserved or anything is created.
 *
 * @example
 * const { machines, failures } = await addMachines({ environ, count: 3, clientKey, signal });
 */
export async function addMachines(params: AddMachinesParams): Promise<AddMachinesResult> {
  const started = performance.now();
  const { environ } = params;
  // The read-only part, shared with `planAddMachines`: bad input fails here, nothing reserved.
  const { config, plan, state } = await addMachinesPreflight(params);
  const { instanceType } = plan;
  // From the read the preflight made anyway: every client authorized so far can log in to the new machines.
  const authorizedKeys = machineKeyLines(state.state, environ.environment.uuid);
  const ids = await reserveMachineIds({ storage: environ.storage(), count: params.count, ...signalOf(params) });
  const timings: PhaseTiming[] = [];
  const settled = await mapConcurrent(ids, params.concurrency ?? 10, (machineId, index) => {
    throwIfCancelled(params.signal, `adding machine ${machineId}`);
    if (instanceType !== undefined) params.onEvent?.({ type: 'instance-type.chosen', machineId, instanceType });
    return provisionMachine({
      environ,
      machineId,
      controller: false,
      start: plan.machine(params.placements?.[index]),
      clientKey: params.clientKey,
      authorizedKeys,
      timings,
      config,
      proxies: params.proxies,
      timeouts: params.timeouts,
      keepBroken: params.keepBroken,
      proofs: params.proofs,
      onEvent: params.onEvent,
      cleanupSignal: params.cleanupSignal,
      signal: params.signal,
    });
  });
  const { machines, failures } = settledMachines(ids, settled);
  await markReady({ ...params, machines, authorizedKeys });
  return {
    machines,
    failures,
    phases: timings,
    elapsedMs: Math.round(performance.now() - started),
    ...(instanceType === undefined ? {} : { instanceType }),
  };
}
