import { randomUUID } from 'node:crypto';
import { AlreadyBootstrappedError, isNotBootstrapped } from '../errors/index.js';
import { resumeMachine, runPhase, type PhaseTiming, type ResumeOutcome } from '../provision/index.js';
import { bootstrapProgress, loadState, machineRecords, markBootstrapResumed, type LoadedState } from '../state/index.js';
import { signalOf } from '../util/optional.js';
import { bootstrapAfterClaim } from './after-claim.js';
import { bootstrap, watchFailures, type BootstrapParams, type BootstrapResult } from './bootstrap.js';
import { bootstrapPreflight } from './bootstrap-preflight.js';

/** A resume takes what a bootstrap takes. */
export type ResumeBootstrapParams = BootstrapParams;

export interface ResumeBootstrapResult extends BootstrapResult {
  /**
   * How the controller came back: `reached` (the recorded one, proven and configured),
   * `found` (started but never recorded, found by its tag), `replaced` (what was there
   * could not be reached or proven, and a new one took its place), `started` (there was
   * none yet; also a resume with no provider-state at all, which is a plain bootstrap).
   */
  readonly resumed: ResumeOutcome;
}

/**
 * Goes on with a bootstrap that did not finish (killed, interrupted, or failed with
 * `keepBroken`), from what provider-state says: after the same preflight as a new
 * bootstrap, it takes the environment over (the marker goes back to `started`), prepares
 * the shared resources and opens the `expose` ports again (both idempotent), then
 * resumes the controller (`resumeMachine`: reached again with its pinned host key and
 * nonce and configured; replaced when it is gone or cannot be proven; never a second one
 * beside it) and marks the bootstrap complete. Without provider-state it is a plain
 * `bootstrap`; a complete bootstrap is `ALREADY_BOOTSTRAPPED`. A failure is undone as a
 * new bootstrap's would be (everything removed, or kept and marked failed with `keepBroken`).
 *
 * @example
 * const result = await resumeBootstrap({ environ, clientKey, proofs, controllerConfig, signal });
 * console.log(result.resumed, result.controller.addresses);
 */
export async function resumeBootstrap(params: ResumeBootstrapParams): Promise<ResumeBootstrapResult> {
  const started = performance.now();
  const { environ } = params;
  const loaded = await loadState({ storage: environ.storage(), ...signalOf(params) }).catch((error: unknown) => {
    if (isNotBootstrapped(error)) return undefined;
    throw error;
  });
  if (loaded === undefined) return { ...(await bootstrap(params)), resumed: 'started' };
  if (bootstrapProgress(loaded.state).status === 'complete') {
    throw new AlreadyBootstrappedError(`environment "${environ.environment.name}" is bootstrapped and complete: there is nothing to resume`);
  }
  const failures = watchFailures(params.onEvent);
  const { onEvent } = failures;
  const timings: PhaseTiming[] = [];
  const step = { onEvent, timings };
  const plan = await bootstrapPreflight(params, step);
  // The takeover: a killed or failed bootstrap is going on again (status says so from here on).
  let taken: LoadedState = loaded;
  const attempt = randomUUID();
  await runPhase({
    ...step,
    phase: 'claim',
    run: () => markBootstrapResumed({ storage: environ.storage(), attempt, known: loaded, onSaved: (saved) => { taken = saved; }, ...signalOf(params) }),
  });
  const record = machineRecords(taken.state).find((m) => m.id === '0');
  if (plan.machines.instanceType !== undefined) onEvent({ type: 'instance-type.chosen', machineId: '0', instanceType: plan.machines.instanceType });
  let outcome: ResumeOutcome = 'started';
  const run = { attempt, plan, onEvent, timings, failedPhase: failures.first, started };
  const result = await bootstrapAfterClaim(params, run, async ({ clientKey, stateGuard }) => {
    const resumed = await resumeMachine({
      environ,
      machineId: '0',
      controller: true,
      record,
      start: plan.machines.machine(params.placement),
      clientKey,
      proofs: params.proofs,
      recordedInstanceIds: new Set(machineRecords(taken.state).map((m) => m.instanceId)),
      config: plan.config,
      proxies: params.proxies,
      timeouts: params.timeouts,
      keepBroken: params.keepBroken,
      onEvent,
      timings,
      knownState: taken,
      stateGuard,
      cleanupSignal: params.cleanupSignal,
      signal: params.signal,
    });
    outcome = resumed.outcome;
    return resumed.machine;
  });
  return { ...result, resumed: outcome };
}
