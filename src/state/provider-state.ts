import pRetry from 'p-retry';
import type { Storage } from '../../storage/index.js';
import {
  AlreadyBootstrappedError,
  NotBootstrappedError,
  isNotFound,
  isPreconditionFailed,
  throwIfCancelled,
} from '../errors/index.js';
import { signalOf } from '../util/optional.js';
import { corruptStateError, parseState, serializeState, stateObjectName, type ProviderState } from './state-document.js';

export interface LoadStateParams {
  readonly storage: Storage;
  readonly signal?: AbortSignal;
}

export interface LoadedState {
  readonly state: ProviderState;
  /** The storage version read; pass it to `saveState` to update only this version. */
  readonly version: string;
}

/**
 * Reads provider-state. Throws `NOT_BOOTSTRAPPED` when the object does not exist,
 * `STATE_CORRUPT` when it cannot be parsed (empty, not UTF-8 text, not the YAML envboot
 * writes), and the storage's own error when it cannot be read.
 */
export async function loadState(params: LoadStateParams): Promise<LoadedState> {
  throwIfCancelled(params.signal, 'loading provider-state');
  try {
    const stored = await params.storage.get({ key: stateObjectName, ...signalOf(params) });
    const text = decodeText(stored.body, params.storage.description);
    return { state: parseState(text, params.storage.description), version: stored.version };
  } catch (error) {
    if (isNotFound(error)) {
      throw new NotBootstrappedError(
        `environment is not bootstrapped: no ${stateObjectName} in ${params.storage.description}; run "envboot bootstrap" first`,
        { cause: error },
      );
    }
    throw error;
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The object's text; binary bytes are corrupt state, not text to quote. */
function decodeText(body: Uint8Array, where: string): string {
  try {
    return utf8.decode(body);
  } catch {
    throw corruptStateError(where, `it is not UTF-8 text (${body.byteLength} bytes)`);
  }
}

export interface SaveStateParams {
  readonly storage: Storage;
  readonly state: ProviderState;
  /**
   * `'create'` claims the environment: the write succeeds only if no provider-state
   * exists, and fails with `ALREADY_BOOTSTRAPPED` otherwise. A version string replaces
   * only that version (`PRECONDITION_FAILED` otherwise). Absent writes unconditionally.
   */
  readonly expect?: 'create' | { readonly version: string };
  readonly signal?: AbortSignal;
}

/** Writes provider-state; returns the new version. */
export async function saveState(params: SaveStateParams): Promise<string> {
  throwIfCancelled(params.signal, 'saving provider-state');
  const condition =
    params.expect === undefined
      ? undefined
      : params.expect === 'create'
        ? ({ ifAbsent: true } as const)
        : { ifVersion: params.expect.version };
  try {
    const written = await params.storage.put({
      key: stateObjectName,
      body: serializeState(params.state),
      ...(condition === undefined ? {} : { condition }),
      ...signalOf(params),
    });
    return written.version;
  } catch (error) {
    if (params.expect === 'create' && isPreconditionFailed(error)) {
      throw new AlreadyBootstrappedError(
        `environment is already bootstrapped: ${stateObjectName} exists in ${params.storage.description}; ` +
          `use it, or run "envboot destroy" first`,
        { cause: error },
      );
    }
    throw error;
  }
}

export interface UpdateStateParams {
  readonly storage: Storage;
  /** Returns the new state; called again with fresh state whenever a write loses a race. */
  readonly update: (state: ProviderState) => ProviderState;
  /**
   * The state as this caller last read or wrote it, tried first without reading it again
   * (one call fewer on object storage); a lost race falls back to re-reading.
   */
  readonly known?: LoadedState;
  /** Called with the state as written and its new version: a later update can pass it as `known`. */
  readonly onSaved?: (saved: LoadedState) => void;
  readonly signal?: AbortSignal;
}

/**
 * Read–modify–compare-and-swap, retried with jittered back-off while other writers win
 * the race. A missing or corrupt document is never retried and never overwritten.
 */
export async function updateState(params: UpdateStateParams): Promise<ProviderState> {
  throwIfCancelled(params.signal, 'updating provider-state');
  let known = params.known;
  return pRetry(
    async () => {
      const loaded = known ?? (await loadState(params));
      known = undefined;
      const next = params.update(loaded.state);
      const version = await saveState({ storage: params.storage, state: next, expect: { version: loaded.version }, ...signalOf(params) });
      params.onSaved?.({ state: next, version });
      return next;
    },
    {
      retries: 200,
      minTimeout: 5,
      maxTimeout: 250,
      factor: 1.5,
      randomize: true,
      maxRetryTime: 60_000,
      shouldRetry: ({ error }) => isPreconditionFailed(error),
      ...signalOf(params),
    },
  ).catch((error: unknown) => {
    // p-retry rejects with the signal's bare reason when aborted between attempts.
    throwIfCancelled(params.signal, 'updating provider-state');
    throw error;
  });
}

export interface AddStateInstanceParams {
  readonly storage: Storage;
  readonly instanceId: string;
  readonly signal?: AbortSignal;
}

/** Adds a controller instance id to provider-state (no-op when present); returns the new state. */
export function addStateInstance(params: AddStateInstanceParams): Promise<ProviderState> {
  return updateState({
    storage: params.storage,
    update: (state) =>
      state.stateInstances.includes(params.instanceId)
        ? state
        : { ...state, stateInstances: [...state.stateInstances, params.instanceId] },
    ...signalOf(params),
  });
}

export interface RemoveStateInstancesParams {
  readonly storage: Storage;
  readonly instanceIds: readonly string[];
  readonly signal?: AbortSignal;
}

/** Removes instance ids from provider-state (absent ids are ignored); returns the new state. */
export function removeStateInstances(params: RemoveStateInstancesParams): Promise<ProviderState> {
  const removing = new Set(params.instanceIds);
  return updateState({
    storage: params.storage,
    update: (state) => ({ ...state, stateInstances: state.stateInstances.filter((id) => !removing.has(id)) }),
    ...signalOf(params),
  });
}
