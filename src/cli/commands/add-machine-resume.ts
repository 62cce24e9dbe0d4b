import { readdir } from 'node:fs/promises';
import { resumeMachines } from '../../machines/index.js';
import type { Environ } from '../../provider/index.js';
import type { FlowEvent } from '../../provision/events.js';
import type { SshKeyPair } from '../../ssh/index.js';
import { describeHolder, thisHost } from '../../util/lock-holder.js';
import type { CommandResult } from '../command-result.js';
import type { CommandContext } from '../context.js';
import type { MachineInputs } from '../environment/machine-inputs.js';
import type { ResolvedEnvironment } from '../environment/resolve-environment.js';
import { proofsDir, type FileProofKeeper } from '../records/machine-proofs.js';
import { refreshLocalRecords } from '../records/refresh-records.js';
import { addMachineResult, type AddMachineInput } from './add-machine.js';

export interface ResumeAddMachineParams {
  readonly context: CommandContext;
  readonly environment: ResolvedEnvironment;
  readonly environ: Environ;
  readonly clientKey: SshKeyPair;
  readonly proofs: FileProofKeeper;
  readonly inputs: MachineInputs;
  readonly input: AddMachineInput;
  readonly onEvent: (event: FlowEvent) => void;
  readonly cleanup: FlowEvent[];
}

/**
 * `envboot add-machine ENV --resume`: goes on with the machines an interrupted add-machine
 * left pending (`resumeMachines`), leaving alone those an add-machine that still runs on
 * this client is provisioning. The cloud-config is the one given now: the interrupted
 * run's is not kept, so give the same `--cloud-config` again.
 */
export async function resumeAddMachine(params: ResumeAddMachineParams): Promise<CommandResult> {
  const { context, environment, input } = params;
  const skip = new Set<string>();
  for (const name of await readdir(proofsDir(environment.dir)).catch(() => [])) {
    const id = name.replace(/\.json$/, '');
    const holder = await params.proofs.provisioner(id);
    if (holder === undefined) continue;
    skip.add(id);
    params.onEvent({ type: 'warning', message: `machine ${id} is left alone: ${describeHolder(holder, { here: thisHost(), now: Date.now() })} is still adding it` });
  }
  const result = await resumeMachines({
    environ: params.environ,
    clientKey: params.clientKey,
    proofs: params.proofs,
    skip,
    keepBroken: input.keepBroken === true,
    onEvent: params.onEvent,
    signal: context.signal,
    cleanupSignal: context.cleanupSignal,
    constraints: params.inputs.constraints,
    ...(input.zones === undefined || input.zones.length === 0 ? {} : { zones: input.zones }),
    ...(params.inputs.cloudConfig === undefined ? {} : { config: params.inputs.cloudConfig }),
  });
  await refreshLocalRecords({ environ: params.environ, dir: environment.dir, signal: context.signal }).catch(() => undefined);
  const name = environment.name;
  if (result.resumed.length === 0 && result.failures.length === 0) {
    const text = `Nothing to resume in "${name}": no machine is pending${skip.size > 0 ? ' that no running add-machine is working on' : ''}.`;
    return { outcome: { json: { environment: name, resumed: [], machines: [], failures: [] }, text } };
  }
  const lines = result.resumed.map((r) => `Machine ${r.machineId}: ${outcomeWords[r.outcome]}.`);
  return addMachineResult({ context, name, result, cleanup: params.cleanup, input, extra: { json: { resumed: result.resumed }, lines } });
}

const outcomeWords = {
  reached: 'reached again, proven and configured',
  found: 'found by its tag (started, never recorded), proven, recorded and configured',
  replaced: 'could not be reached or proven; a new machine took its place',
  started: 'had not been started; started now',
} as const;
