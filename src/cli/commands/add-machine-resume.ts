import { ConfigError } from '../../errors/index.js';
import { resumeMachines, type ResumeTarget } from '../../machines/index.js';
import { loadState, machineRecords } from '../../state/index.js';
import type { Environ } from '../../provider/index.js';
import type { FlowEvent } from '../../provision/events.js';
import type { SshKeyPair } from '../../ssh/index.js';
import { describeHolder, thisHost } from '../../util/lock-holder.js';
import type { CommandResult } from '../command-result.js';
import type { CommandContext } from '../context.js';
import type { MachineInputs } from '../environment/machine-inputs.js';
import type { ResolvedEnvironment } from '../environment/resolve-environment.js';
import { cloudConfigDigest, type FileProofKeeper } from '../records/machine-proofs.js';
import { formatDuration } from '../../util/duration.js';
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
  const { context, environment, input, proofs } = params;
  const given = cloudConfigDigest(params.inputs.cloudConfig);
  await checkCloudConfig(params, given);
  const result = await resumeMachines({
    environ: params.environ,
    clientKey: params.clientKey,
    proofs,
    leaveAlone: (target) => leaveAlone(params, target),
    keepBroken: input.keepBroken === true,
    onEvent: params.onEvent,
    signal: context.signal,
    cleanupSignal: context.cleanupSignal,
    constraints: params.inputs.constraints,
    ...(input.zones === undefined || input.zones.length === 0 ? {} : { zones: input.zones }),
    ...(params.inputs.cloudConfig === undefined ? {} : { config: params.inputs.cloudConfig }),
    proxies: environment.proxies,
  });
  await refreshLocalRecords({ environ: params.environ, dir: environment.dir, signal: context.signal }).catch(() => undefined);
  const name = environment.name;
  if (result.resumed.length === 0 && result.failures.length === 0) {
    const text = `Nothing to resume in "${name}": no machine is pending that this client can go on with.`;
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

/**
 * How long a pending machine this client has no proof of is left to the run that may
 * still be adding it: past the longest an add-machine waits (SSH 10 min, configure 30 min).
 */
export const abandonedAfterMs = 45 * 60_000;

/**
 * Why a machine is not this resume's to go on with, or undefined. A proof kept by a run
 * that is still running: that run's. A proof kept by a run that is gone: ours. No proof:
 * started by another client (whose run this client cannot see) or the proof is lost; a
 * recorded machine is gone on with once it has been pending longer than any run waits,
 * an unrecorded instance is left to `adopt` or `remove-machine`.
 */
async function leaveAlone(params: ResumeAddMachineParams, target: ResumeTarget): Promise<string | undefined> {
  const { proofs, environment } = params;
  const holder = await proofs.provisioner(target.machineId);
  if (holder !== undefined) return `${describeHolder(holder, { here: thisHost(), now: Date.now() })} is still adding it`;
  if ((await proofs.find(target.machineId)) !== undefined) return undefined;
  const name = environment.name;
  if (target.record === undefined) {
    return `an instance carries its tag but was never recorded, by a run of another client or one whose proof this client lost: "envboot adopt ${name} INSTANCE" records it once proven, "envboot remove-machine ${name} INSTANCE" stops it`;
  }
  const since = Date.parse(target.record.pendingSince ?? '');
  const age = Date.now() - since;
  if (Number.isNaN(since) || age >= abandonedAfterMs) return undefined;
  return `it was started ${formatDuration(age)} ago by a run this client cannot see (another client's, or its proof is lost); it is left to that run for ${formatDuration(abandonedAfterMs)} after its start, or "envboot remove-machine ${name} ${target.machineId}" removes it`;
}

/**
 * The interrupted run's cloud-config is not kept, only its digest: a resume that would
 * leave machines unconfigured because none is given is refused (exit 2), one given another
 * cloud-config is told so and goes on with it (the config may have been fixed).
 */
async function checkCloudConfig(params: ResumeAddMachineParams, given: string | null): Promise<void> {
  const { state } = await loadState({ storage: params.environ.storage(), signal: params.context.signal });
  const records = new Map(machineRecords(state).map((m) => [m.id, m]));
  const missing: string[] = [];
  for (const id of await params.proofs.keptIds()) {
    if ((await params.proofs.provisioner(id)) !== undefined) continue;
    const record = records.get(id);
    // The proof of a machine that is ready (adopted, configured, or marked by a run that then died) is stale: forgotten.
    if (record !== undefined && record.pending !== true) {
      await params.proofs.release(id);
      continue;
    }
    const kept = await params.proofs.configDigest(id);
    if (typeof kept === 'string' && given === null) missing.push(id);
    else if (kept !== undefined && kept !== given) {
      params.onEvent({ type: 'warning', message: `machine ${id}: the cloud-config given is not the one the interrupted add-machine had; it applies the one given` });
    }
  }
  if (missing.length > 0) {
    throw new ConfigError(
      `the interrupted add-machine applied a cloud-config to machine ${missing.join(', ')}, and envboot keeps only its digest: give it again with --cloud-config FILE`,
    );
  }
}
