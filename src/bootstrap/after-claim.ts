import { exposePorts } from '../firewall/index.js';
import { prepareEnviron } from '../provider/index.js';
import { runPhase, type FlowEventSink, type PhaseTiming, type ProvisionedMachine } from '../provision/index.js';
import { generateSshKeyPair, type SshKeyPair } from '../ssh/index.js';
import { assertOwnsBootstrap, markBootstrapComplete, type LoadedState, type ProviderState } from '../state/index.js';
import { isBootstrapTakenOver, messageOf } from '../errors/index.js';
import { signalOf } from '../util/optional.js';
import type { BootstrapPreflight } from './bootstrap-preflight.js';
import type { BootstrapParams, BootstrapResult } from './bootstrap.js';
import { undoBootstrap, type FailedPhase } from './undo-bootstrap.js';

/** What a run that holds the claim (its own, or a resume's takeover) knows when it goes on. */
export interface ClaimedRun {
  /** This run's token in provider-state's marker (see `bootstrapAttempt`). */
  readonly attempt: string;
  readonly plan: BootstrapPreflight;
  readonly onEvent: FlowEventSink;
  readonly timings: PhaseTiming[];
  /** The first phase that failed, once one has. */
  readonly failedPhase: () => FailedPhase | undefined;
  /** `performance.now()` when the run began. */
  readonly started: number;
}

/** How the controller is brought up: started anew, or resumed. */
export type ControllerStep = (params: {
  readonly clientKey: SshKeyPair;
  /** Refuses a record once another run took the bootstrap over. */
  readonly stateGuard: (state: ProviderState) => void;
}) => Promise<ProvisionedMachine>;

/**
 * Everything a bootstrap does once it holds the claim, the same for a new one and a
 * resumed one: prepare the shared resources, open the `expose` ports, bring the controller
 * up (`controller`), mark the bootstrap complete and forget the controller's proof. A
 * failure is undone (`undoBootstrap`: everything removed, or kept and marked failed with
 * `keepBroken`, or left alone when another run took over) and rethrown.
 */
export async function bootstrapAfterClaim(params: BootstrapParams, run: ClaimedRun, controller: ControllerStep): Promise<BootstrapResult> {
  const { environ } = params;
  const step = { onEvent: run.onEvent, timings: run.timings };
  try {
    await runPhase({ ...step, phase: 'prepare', run: () => prepareEnviron(environ, signalOf(params)) });
    const exposed =
      (params.expose ?? []).length === 0
        ? undefined
        : await runPhase({ ...step, phase: 'open-ports', run: () => exposePorts({ environ, rules: params.expose ?? [], ...signalOf(params) }) });
    const clientKey = params.clientKey ?? generateSshKeyPair({ comment: `envboot-${environ.environment.name}` });
    const machine = await controller({ clientKey, stateGuard: (state) => { assertOwnsBootstrap(state, run.attempt); } });
    await markComplete({ ...params, onEvent: run.onEvent, attempt: run.attempt }, machine.recordedState);
    await params.proofs?.release('0').catch(() => undefined);
    const { machines } = run.plan;
    return {
      environment: environ.environment,
      controller: machine,
      clientKey,
      warnings: run.plan.warnings,
      phases: run.timings,
      elapsedMs: Math.round(performance.now() - run.started),
      ...(machines.instanceType === undefined ? {} : { instanceType: machines.instanceType }),
      ...(exposed === undefined ? {} : { openPorts: exposed.open }),
    };
  } catch (error) {
    await undoBootstrap({
      environ,
      attempt: run.attempt,
      keepBroken: params.keepBroken === true,
      error,
      failedPhase: run.failedPhase(),
      timings: run.timings,
      onEvent: run.onEvent,
      ...(params.cleanupSignal === undefined ? {} : { signal: params.cleanupSignal }),
    });
    throw error;
  }
}

/**
 * The one write after the controller is up. The first interrupt does not stop it (the
 * work it records is done; stopping it would leave the environment looking unfinished),
 * the second does; failing to write is a warning, not a failed bootstrap.
 */
async function markComplete(
  params: Pick<BootstrapParams, 'environ' | 'onEvent' | 'cleanupSignal'> & { readonly attempt: string },
  known: LoadedState | undefined,
): Promise<void> {
  try {
    await markBootstrapComplete({
      storage: params.environ.storage(),
      readyMachines: ['0'],
      attempt: params.attempt,
      ...(known === undefined ? {} : { known }),
      ...(params.cleanupSignal === undefined ? {} : { signal: params.cleanupSignal }),
    });
  } catch (error) {
    // Another run owns the bootstrap now: this one did not finish it, and says so.
    if (isBootstrapTakenOver(error)) throw error;
    params.onEvent?.({
      type: 'warning',
      message: `the controller is up, but provider-state could not be marked complete (envboot status will say the bootstrap did not finish): ${messageOf(error)}`,
    });
  }
}
