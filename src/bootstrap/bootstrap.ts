import { randomUUID } from 'node:crypto';
import type { CloudConfig, MachineProxySettings } from '../../cloudinit/index.js';
import type { Constraints, Environ, EnvironmentIdentity, IngressRule } from '../provider/index.js';
import {
  provisionMachine,
  runPhase,
  type FlowEventSink,
  type MachineProofKeeper,
  type MachineTimeouts,
  type PhaseTiming,
  type ProvisionedMachine,
} from '../provision/index.js';
import { generateSshKeyPair, type SshKeyPair } from '../ssh/index.js';
import { initialAuthorizedClients, saveState, startedBootstrap, type ProviderState } from '../state/index.js';
import { signalOf } from '../util/optional.js';
import { bootstrapPreflight } from './bootstrap-preflight.js';
import { bootstrapAfterClaim } from './after-claim.js';
import type { FailedPhase } from './undo-bootstrap.js';

export interface BootstrapParams {
  readonly environ: Environ;
  /** What the controller must have; its `zones` are where it may go. Checked against the provider before the claim. */
  readonly constraints?: Constraints | undefined;
  /** Start the controller in this zone only (no fail-over to others); it takes the place of the constraints' `zones`. */
  readonly zone?: string | undefined;
  /** The provider's placement directive for the controller (the manual provider's host, `ubuntu@203.0.113.7`). */
  readonly placement?: string | undefined;
  /** The environment's client key; generated (and returned) when absent. */
  readonly clientKey?: SshKeyPair | undefined;
  /** The controller cloud-config, applied over SSH once the machine is verified. */
  readonly controllerConfig?: CloudConfig | undefined;
  /** The environment's proxies and apt mirror, applied as the controller is configured (see `configureMachine`). */
  readonly proxies?: MachineProxySettings | undefined;
  /**
   * Ports to open to sources outside the environment (the firewall ability), opened once
   * the shared resources exist and before the controller starts. A provider without a
   * firewall refuses them before anything is created.
   */
  readonly expose?: readonly IngressRule[] | undefined;
  readonly timeouts?: MachineTimeouts | undefined;
  /** On failure, leave what was created (instance, state, resources) for debugging. */
  readonly keepBroken?: boolean | undefined;
  readonly onEvent?: FlowEventSink | undefined;
  readonly signal?: AbortSignal | undefined;
  /** Aborts the clean-up after a failure (the second Ctrl-C); what is left is reported. */
  readonly cleanupSignal?: AbortSignal | undefined;
  /**
   * Where the controller's proof (host key, nonce) is kept until it is ready, so that a
   * bootstrap killed half-way can be resumed by reaching the same controller again
   * (`resumeBootstrap`). Without one, a resume replaces a controller it cannot prove.
   */
  readonly proofs?: MachineProofKeeper | undefined;
}

export interface BootstrapResult {
  readonly environment: EnvironmentIdentity;
  /** Machine `0`, verified and configured. */
  readonly controller: ProvisionedMachine;
  /** The client key that logs in to every machine of the environment. Secret. */
  readonly clientKey: SshKeyPair;
  readonly instanceType?: string;
  /** What is open to outside sources once bootstrapped; present only when `expose` asked for ports. */
  readonly openPorts?: readonly IngressRule[];
  /** Preflight and planning warnings worth showing the operator (constraints that could not be checked, …). */
  readonly warnings: readonly string[];
  /** How long each phase took, in order. */
  readonly phases: readonly PhaseTiming[];
  readonly elapsedMs: number;
}

/**
 * Bootstraps an environment: preflight; claim it with a create-only write of
 * provider-state (a concurrent bootstrap of the same environment fails here with
 * `ALREADY_BOOTSTRAPPED` and leaves nothing behind); prepare shared resources; open the
 * `expose` ports; start the controller with zone fail-over; record it; waitSSH; configure it.
 *
 * The claim marks the bootstrap `started` in provider-state, and success marks it
 * `complete` (see `bootstrapProgress`), so that a bootstrap that was killed half-way is
 * never mistaken for a working environment.
 *
 * Everything up to the claim only reads, so bad input fails with nothing created: the
 * cloud-config, and the plan (`planMachines`: constraints the provider cannot meet,
 * unknown or unusable zones, an instance type it lacks, ports on a provider without a firewall). A failure or an abort after the claim undoes what this call
 * created — the instance, its record, the shared resources, provider-state — unless
 * `keepBroken`, which marks the bootstrap `failed` with why instead; the original error is
 * rethrown and `cleanup.*` events say what happened.
 *
 * @example
 * const result = await bootstrap({ environ, controllerConfig, onEvent: console.log, signal });
 * console.log(result.controller.addresses);
 */
export async function bootstrap(params: BootstrapParams): Promise<BootstrapResult> {
  const started = performance.now();
  const { environ } = params;
  const failures = watchFailures(params.onEvent);
  const { onEvent } = failures;
  const timings: PhaseTiming[] = [];
  const step = { onEvent, timings };
  const plan = await bootstrapPreflight(params, step);
  // This run's token in the claim: should a --resume take the environment over meanwhile, this run stops short of undoing its work.
  const attempt = randomUUID();
  if (plan.machines.instanceType !== undefined) {
    onEvent({ type: 'instance-type.chosen', machineId: '0', instanceType: plan.machines.instanceType });
  }
  const clientKey = params.clientKey ?? generateSshKeyPair({ comment: `envboot-${environ.environment.name}` });
  const claimed: ProviderState = {
    stateInstances: [],
    fields: {
      environment: { name: environ.environment.name, uuid: environ.environment.uuid },
      provider: environ.provider,
      'bootstrapped-at': new Date().toISOString(),
      ...initialAuthorizedClients(clientKey.publicKey),
      ...startedBootstrap(attempt),
    },
  };
  const claimedVersion = await runPhase({
    ...step,
    phase: 'claim',
    run: () => saveState({ storage: environ.storage(), state: claimed, expect: 'create', ...signalOf(params) }),
  });
  const run = { attempt, plan, onEvent, timings, failedPhase: failures.first, started };
  return bootstrapAfterClaim({ ...params, clientKey }, run, ({ stateGuard }) =>
    provisionMachine({
      environ,
      machineId: '0',
      controller: true,
      start: plan.machines.machine(params.placement),
      clientKey,
      timings,
      knownState: { state: claimed, version: claimedVersion },
      proofs: params.proofs,
      stateGuard,
      config: plan.config,
      proxies: params.proxies,
      timeouts: params.timeouts,
      keepBroken: params.keepBroken,
      onEvent,
      cleanupSignal: params.cleanupSignal,
      signal: params.signal,
    }),
  );
}

/** The flow's events, passed on, with the first phase that failed remembered: where a kept bootstrap stopped. */
export function watchFailures(sink: FlowEventSink | undefined): { onEvent: FlowEventSink; first: () => FailedPhase | undefined } {
  let first: FailedPhase | undefined;
  return {
    onEvent: (event) => {
      if (event.type === 'phase.failed' && first === undefined) {
        first = { phase: event.phase, ...(event.machineId === undefined ? {} : { machineId: event.machineId }) };
      }
      sink?.(event);
    },
    first: () => first,
  };
}
