import type { CloudConfig, MachineProxySettings } from '../../cloudinit/index.js';
import { throwIfCancelled } from '../errors/index.js';
import { planMachines } from '../planner/index.js';
import { TagKey, type Constraints, type Environ } from '../provider/index.js';
import {
  checkCloudConfigFor,
  resumeMachine,
  type FlowEventSink,
  type MachineProofKeeper,
  type MachineTimeouts,
  type PhaseTiming,
  type ResumeOutcome,
} from '../provision/index.js';
import type { SshKeyPair } from '../ssh/index.js';
import { loadState, machineKeyLines, machineRecords, type MachineRecord } from '../state/index.js';
import { mapConcurrent } from '../util/map-concurrent.js';
import { signalOf } from '../util/optional.js';
import type { AddMachinesResult } from './add-machines.js';
import { markReady, settledMachines } from './mark-ready.js';

export interface ResumeMachinesParams {
  readonly environ: Environ;
  readonly clientKey: SshKeyPair;
  /** The proofs the interrupted run kept (see `addMachines`' `proofs`). */
  readonly proofs?: MachineProofKeeper | undefined;
  /** Applied over SSH to each machine once verified, as the interrupted run would have. */
  readonly config?: CloudConfig | undefined;
  /** The environment's proxies and apt mirror, applied to every machine configured (see `configureMachine`). */
  readonly proxies?: MachineProxySettings | undefined;
  /** For machines that must be replaced: what they must have, and where they may go. */
  readonly constraints?: Constraints | undefined;
  readonly zones?: readonly string[] | undefined;
  /**
   * Asked of each machine before anything is done to it: a reason to leave it alone (a
   * run that may still be adding it: see the CLI's proof files), or undefined to go on.
   * Every machine is gone on with when absent.
   */
  readonly leaveAlone?: ((target: ResumeTarget) => Promise<string | undefined>) | undefined;
  readonly concurrency?: number | undefined;
  readonly timeouts?: MachineTimeouts | undefined;
  readonly keepBroken?: boolean | undefined;
  readonly onEvent?: FlowEventSink | undefined;
  readonly signal?: AbortSignal | undefined;
  readonly cleanupSignal?: AbortSignal | undefined;
}

/** A machine an add-machine left unfinished: its pending record, or none when only its tagged instance is left. */
export interface ResumeTarget {
  readonly machineId: string;
  readonly record?: MachineRecord;
}

export interface ResumeMachinesResult extends AddMachinesResult {
  /** How each machine that was gone on with came back, by machine id. */
  readonly resumed: readonly { readonly machineId: string; readonly outcome: ResumeOutcome }[];
}

/**
 * Goes on with the machines an interrupted add-machine left unfinished: those provider-state
 * records as pending (started, not yet verified and configured), and instances carrying
 * a machine tag that were started but never recorded. Each is reached again and configured,
 * or replaced when it is gone or cannot be proven (`resumeMachine`); machines that failed
 * and were kept on purpose (`keepBroken`) are left to `envboot configure` or removal. The
 * controller is `resumeBootstrap`'s. Nothing to go on with is an empty result.
 */
export async function resumeMachines(params: ResumeMachinesParams): Promise<ResumeMachinesResult> {
  const started = performance.now();
  const { environ } = params;
  const config = params.config === undefined ? undefined : checkCloudConfigFor({ config: params.config, environ, what: 'machine cloud-config' });
  const { state } = await loadState({ storage: environ.storage(), ...signalOf(params) });
  const records = machineRecords(state);
  const recorded = new Set(records.map((m) => m.instanceId));
  const targets: ResumeTarget[] = [];
  for (const target of unfinished(records, await environ.allInstances(signalOf(params)))) {
    const reason = await params.leaveAlone?.(target);
    if (reason === undefined) targets.push(target);
    else params.onEvent?.({ type: 'warning', message: `machine ${target.machineId} is left alone: ${reason}` });
  }
  const timings: PhaseTiming[] = [];
  if (targets.length === 0) return { machines: [], failures: [], resumed: [], phases: timings, elapsedMs: Math.round(performance.now() - started) };
  const plan = await planMachines({ environ, constraints: params.constraints ?? {}, zones: params.zones, zoneOrder: 'spread', signal: params.signal });
  for (const message of plan.warnings) params.onEvent?.({ type: 'warning', message });
  const authorizedKeys = machineKeyLines(state, environ.environment.uuid);
  const outcomes = new Map<string, ResumeOutcome>();
  const settled = await mapConcurrent(targets, params.concurrency ?? 10, async (target) => {
    throwIfCancelled(params.signal, `resuming machine ${target.machineId}`);
    const resumed = await resumeMachine({
      environ,
      machineId: target.machineId,
      controller: false,
      record: target.record,
      recordedInstanceIds: recorded,
      start: plan.machine(),
      clientKey: params.clientKey,
      authorizedKeys,
      proofs: params.proofs,
      config,
      proxies: params.proxies,
      timeouts: params.timeouts,
      keepBroken: params.keepBroken,
      onEvent: params.onEvent,
      timings,
      cleanupSignal: params.cleanupSignal,
      signal: params.signal,
    });
    outcomes.set(target.machineId, resumed.outcome);
    return resumed.machine;
  });
  const { machines, failures } = settledMachines(
    targets.map((t) => t.machineId),
    settled,
  );
  await markReady({ ...params, machines, authorizedKeys });
  return {
    machines,
    failures,
    resumed: targets.flatMap(({ machineId }) => {
      const outcome = outcomes.get(machineId);
      return outcome === undefined ? [] : [{ machineId, outcome }];
    }),
    phases: timings,
    elapsedMs: Math.round(performance.now() - started),
    ...(plan.instanceType === undefined ? {} : { instanceType: plan.instanceType }),
  };
}

/** Pending records (not the controller, not kept failures), and machine ids only unrecorded tagged instances carry. */
function unfinished(
  records: readonly MachineRecord[],
  instances: readonly { readonly id: string; readonly status: string; readonly tags: Readonly<Record<string, string>> }[],
): ResumeTarget[] {
  const pending = records.filter((r) => r.pending === true && r.id !== '0' && r.failure === undefined);
  const recordedInstances = new Set(records.map((r) => r.instanceId));
  const recordedIds = new Set(records.map((r) => r.id));
  const strays = instances
    .filter((i) => !recordedInstances.has(i.id) && i.status !== 'terminated')
    .map((i) => i.tags[TagKey.MachineId])
    .filter((id): id is string => id !== undefined && id !== '0' && !recordedIds.has(id));
  return [
    ...pending.map((record) => ({ machineId: record.id, record })),
    ...[...new Set(strays)].map((machineId) => ({ machineId })),
  ].sort((a, b) => Number(a.machineId) - Number(b.machineId));
}
