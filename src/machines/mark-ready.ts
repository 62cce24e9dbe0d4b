import { asError, errorCodeOf, messageOf } from '../errors/index.js';
import type { Environ } from '../provider/index.js';
import type { FlowEventSink, MachineProofKeeper, ProvisionedMachine } from '../provision/index.js';
import type { SshKeyPair } from '../ssh/index.js';
import { markMachinesReady, type ProviderState } from '../state/index.js';
import { catchUpMachineKeys } from './catch-up-keys.js';

export interface MachineFailure {
  readonly machineId: string;
  readonly code: string;
  readonly error: Error;
}

/** The machines that came up and those that did not, from one settled provisioning per machine id. */
export function settledMachines(
  ids: readonly string[],
  settled: readonly PromiseSettledResult<ProvisionedMachine>[],
): { machines: ProvisionedMachine[]; failures: MachineFailure[] } {
  const machines: ProvisionedMachine[] = [];
  const failures: MachineFailure[] = [];
  settled.forEach((outcome, index) => {
    const machineId = ids[index] ?? String(index);
    if (outcome.status === 'fulfilled') machines.push(outcome.value);
    else failures.push({ machineId, code: errorCodeOf(outcome.reason) ?? 'UNKNOWN', error: asError(outcome.reason) });
  });
  return { machines, failures };
}

/**
 * Marks the machines that came up ready in provider-state, in one write for them all,
 * then forgets their proofs. Like bootstrap's mark of completion it is not stopped by the
 * first interrupt (the work it records is done), and failing is a warning: the machines
 * work, and `status` shows them pending until a `--resume` marks them. Then the machines
 * get any change to the authorized clients made while they started (`catchUpMachineKeys`).
 */
export async function markReady(params: {
  readonly environ: Environ;
  readonly machines: readonly ProvisionedMachine[];
  readonly proofs?: MachineProofKeeper | undefined;
  readonly onEvent?: FlowEventSink | undefined;
  readonly cleanupSignal?: AbortSignal | undefined;
  /** The client key that reaches the machines, and the client lines their user-data listed. */
  readonly clientKey: SshKeyPair;
  readonly authorizedKeys: readonly string[];
  readonly signal?: AbortSignal | undefined;
}): Promise<void> {
  if (params.machines.length === 0) return;
  const machineIds = params.machines.map((m) => m.id);
  let state: ProviderState;
  try {
    const instanceIds = Object.fromEntries(params.machines.map((m) => [m.id, m.instance.id]));
    state = await markMachinesReady({ storage: params.environ.storage(), machineIds, instanceIds, ...(params.cleanupSignal === undefined ? {} : { signal: params.cleanupSignal }) });
  } catch (error) {
    params.onEvent?.({
      type: 'warning',
      message: `machines ${machineIds.join(', ')} are up, but provider-state could not mark them ready (status will show them pending): ${messageOf(error)}`,
    });
    return;
  }
  for (const id of machineIds) await params.proofs?.release(id).catch(() => undefined);
  await catchUpMachineKeys({ ...params, machineIds, given: params.authorizedKeys, state });
}
