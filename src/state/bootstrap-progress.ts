import type { Storage } from '../../storage/index.js';
import { BootstrapTakenOverError } from '../errors/index.js';
import { signalOf } from '../util/optional.js';
import { withMachinesReady } from './machine-records.js';
import { updateState, type LoadedState } from './provider-state.js';
import { failureFromYaml, failureToYaml, type RecordedFailure } from './recorded-failure.js';
import type { ProviderState } from './state-document.js';

/**
 * How far the bootstrap that created an environment got, as provider-state records it:
 * `started` from the claim on, then `complete`, or `failed` when it failed and what it
 * made was kept (`keepBroken`). A bootstrap that was killed stays `started`.
 */
export type BootstrapProgressStatus = 'started' | 'complete' | 'failed';

export interface BootstrapProgress {
  readonly status: BootstrapProgressStatus;
  /**
   * False when provider-state has no marker: written by an envboot from before markers,
   * whose bootstrap wrote provider-state only once it was under way; it counts as complete.
   */
  readonly recorded: boolean;
  /** When it completed (ISO 8601), where recorded. */
  readonly completedAt?: string;
  /** Why it failed, with `failed`. */
  readonly failure?: RecordedFailure;
}

const progressKey = 'bootstrap';

/**
 * The marker a bootstrap's claim carries, as a provider-state field: the claim stays one
 * create-only write.
 *
 * @example
 * saveState({ storage, state: { stateInstances: [], fields: { ...fields, ...startedBootstrap() } }, expect: 'create' });
 */
export function startedBootstrap(attempt?: string): Record<string, unknown> {
  return { [progressKey]: { status: 'started', ...(attempt === undefined ? {} : { attempt }) } };
}

/**
 * The run that owns the bootstrap: the random token its claim, or the last
 * `--resume`'s takeover, wrote. A run whose token is no longer there was taken over and
 * must not record a controller, complete, fail or undo the bootstrap: that would leave
 * two controllers, or remove what the run that took over is building.
 */
export function bootstrapAttempt(state: ProviderState): string | undefined {
  const attempt = progressField(state)?.['attempt'];
  return typeof attempt === 'string' ? attempt : undefined;
}

/** Throws when provider-state names another run than `attempt` (see `bootstrapAttempt`); nothing to check without one. */
export function assertOwnsBootstrap(state: ProviderState, attempt: string | undefined): void {
  if (attempt === undefined || bootstrapAttempt(state) === attempt) return;
  throw new BootstrapTakenOverError('another envboot run took this bootstrap over (bootstrap --resume) while this one ran: this run stops and leaves the environment to it');
}

/**
 * The bootstrap's progress in `state`. No marker, or one that is not a mapping, is an
 * older envboot's complete bootstrap; a status this version does not know (a newer
 * envboot's) counts as `started`: not known to be complete.
 */
export function bootstrapProgress(state: ProviderState): BootstrapProgress {
  const raw = progressField(state);
  if (raw === undefined) return { status: 'complete', recorded: false };
  const status = raw['status'];
  const completedAt = raw['completed-at'];
  if (status === 'complete') return { status, recorded: true, ...(typeof completedAt === 'string' ? { completedAt } : {}) };
  const failure = failureFromYaml(raw['failure']);
  if (status === 'failed') return { status, recorded: true, ...(failure === undefined ? {} : { failure }) };
  return { status: 'started', recorded: true };
}

export interface MarkBootstrapCompleteParams {
  readonly storage: Storage;
  /** provider-state as the bootstrap last wrote it: the mark then costs no read (see `updateState`). */
  readonly known?: LoadedState;
  /** The clock; tests pass their own. */
  readonly now?: () => Date;
  /** Machines (the controller) to mark ready in the same write: see `withMachinesReady`. */
  readonly readyMachines?: readonly string[];
  /** The run marking it: refused when another took the bootstrap over (see `bootstrapAttempt`). */
  readonly attempt?: string;
  readonly signal?: AbortSignal;
}

/** Marks the bootstrap complete (compare-and-swap); other fields of the marker are kept. */
export function markBootstrapComplete(params: MarkBootstrapCompleteParams): Promise<ProviderState> {
  const at = (params.now?.() ?? new Date()).toISOString();
  return updateProgress(
    params,
    (progress) => {
      const kept: Record<string, unknown> = { ...progress, status: 'complete', 'completed-at': at };
      delete kept['failure'];
      return kept;
    },
    (state) => {
      assertOwnsBootstrap(state, params.attempt);
      return withMachinesReady(state, params.readyMachines ?? []);
    },
  );
}

/**
 * Marks a bootstrap that did not finish as going on again (`--resume`): `started`, with
 * when it was resumed and how often; a recorded failure is dropped, as the run that
 * failed is being replaced.
 */
export function markBootstrapResumed(params: {
  readonly storage: Storage;
  /** The resuming run's token (see `bootstrapAttempt`): from now on it owns the bootstrap. */
  readonly attempt: string;
  readonly known?: LoadedState;
  readonly onSaved?: (saved: LoadedState) => void;
  readonly now?: () => Date;
  readonly signal?: AbortSignal;
}): Promise<ProviderState> {
  const at = (params.now?.() ?? new Date()).toISOString();
  return updateProgress(params, (progress) => {
    const count = typeof progress['resumed'] === 'number' ? progress['resumed'] : 0;
    const kept: Record<string, unknown> = { ...progress, status: 'started', 'resumed-at': at, resumed: count + 1, attempt: params.attempt };
    delete kept['failure'];
    return kept;
  });
}

export interface MarkBootstrapFailedParams {
  readonly storage: Storage;
  readonly failure: RecordedFailure;
  /** The run that failed: nothing is marked when another took the bootstrap over. */
  readonly attempt?: string;
  readonly signal?: AbortSignal;
}

/** Marks the bootstrap failed, with why (compare-and-swap). */
export function markBootstrapFailed(params: MarkBootstrapFailedParams): Promise<ProviderState> {
  return updateProgress(
    params,
    (progress) => ({ ...progress, status: 'failed', failure: failureToYaml(params.failure) }),
    (state) => {
      assertOwnsBootstrap(state, params.attempt);
      return state;
    },
  );
}

function updateProgress(
  params: { readonly storage: Storage; readonly known?: LoadedState; readonly onSaved?: (saved: LoadedState) => void; readonly signal?: AbortSignal },
  change: (progress: Record<string, unknown>) => Record<string, unknown>,
  also: (state: ProviderState) => ProviderState = (state) => state,
): Promise<ProviderState> {
  return updateState({
    storage: params.storage,
    ...(params.known === undefined ? {} : { known: params.known }),
    ...(params.onSaved === undefined ? {} : { onSaved: params.onSaved }),
    update: (state) => also({ ...state, fields: { ...state.fields, [progressKey]: change(progressField(state) ?? {}) } }),
    ...signalOf(params),
  });
}

function progressField(state: ProviderState): Record<string, unknown> | undefined {
  const raw = state.fields[progressKey];
  return raw !== null && typeof raw === 'object' && !Array.isArray(raw) ? (raw as Record<string, unknown>) : undefined;
}
