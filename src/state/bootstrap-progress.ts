import type { Storage } from '../../storage/index.js';
import { signalOf } from '../util/optional.js';
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
export function startedBootstrap(): Record<string, unknown> {
  return { [progressKey]: { status: 'started' } };
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
  readonly signal?: AbortSignal;
}

/** Marks the bootstrap complete (compare-and-swap); other fields of the marker are kept. */
export function markBootstrapComplete(params: MarkBootstrapCompleteParams): Promise<ProviderState> {
  const at = (params.now?.() ?? new Date()).toISOString();
  return updateProgress(params, (progress) => {
    const kept: Record<string, unknown> = { ...progress, status: 'complete', 'completed-at': at };
    delete kept['failure'];
    return kept;
  });
}

export interface MarkBootstrapFailedParams {
  readonly storage: Storage;
  readonly failure: RecordedFailure;
  readonly signal?: AbortSignal;
}

/** Marks the bootstrap failed, with why (compare-and-swap). */
export function markBootstrapFailed(params: MarkBootstrapFailedParams): Promise<ProviderState> {
  return updateProgress(params, (progress) => ({ ...progress, status: 'failed', failure: failureToYaml(params.failure) }));
}

function updateProgress(
  params: { readonly storage: Storage; readonly known?: LoadedState; readonly signal?: AbortSignal },
  change: (progress: Record<string, unknown>) => Record<string, unknown>,
): Promise<ProviderState> {
  return updateState({
    storage: params.storage,
    ...(params.known === undefined ? {} : { known: params.known }),
    update: (state) => ({ ...state, fields: { ...state.fields, [progressKey]: change(progressField(state) ?? {}) } }),
    ...signalOf(params),
  });
}

function progressField(state: ProviderState): Record<string, unknown> | undefined {
  const raw = state.fields[progressKey];
  return raw !== null && typeof raw === 'object' && !Array.isArray(raw) ? (raw as Record<string, unknown>) : undefined;
}
