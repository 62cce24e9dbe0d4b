import { messageOf } from '../errors/index.js';
import type { Environ } from '../provider/index.js';
import type { FlowEventSink } from '../provision/index.js';
import { keyLineFields, type SshKeyPair } from '../ssh/index.js';
import { machineKeyLines, type ProviderState } from '../state/index.js';
import { changeMachineKeys } from './machine-authorized-keys.js';

export interface CatchUpKeysParams {
  readonly environ: Environ;
  readonly clientKey: SshKeyPair;
  /** The machines just started, already marked ready. */
  readonly machineIds: readonly string[];
  /** The client lines their user-data was given (`machineKeyLines` when they were started). */
  readonly given: readonly string[];
  /** provider-state as the mark of readiness left it. */
  readonly state: ProviderState;
  readonly onEvent?: FlowEventSink | undefined;
  readonly signal?: AbortSignal | undefined;
}

/**
 * New machines were given the authorized clients listed when they were started; an
 * `authorize`, `revoke` or `rotate-client-key` run meanwhile changed the list and, seeing
 * the machines not yet ready, left them out. Once they are marked ready every later change
 * reaches them, so the difference up to that mark is applied here: keys authorized since
 * are added, keys revoked since are removed. Nothing to do (the usual case) costs nothing.
 * A machine that cannot be changed is a warning naming what to run, never a failed machine.
 */
export async function catchUpMachineKeys(params: CatchUpKeysParams): Promise<void> {
  if (params.machineIds.length === 0) return;
  const now = machineKeyLines(params.state, params.environ.environment.uuid);
  const keyOf = (line: string): string => keyLineFields(line).key;
  const nowKeys = new Set(now.map(keyOf));
  const givenKeys = new Set(params.given.map(keyOf));
  const add = now.filter((line) => !givenKeys.has(keyOf(line)));
  const remove = [...givenKeys].filter((key) => !nowKeys.has(key));
  if (add.length === 0 && remove.length === 0) return;
  const outcomes = await changeMachineKeys({
    environ: params.environ,
    clientKey: params.clientKey,
    machineIds: params.machineIds,
    change: { add, remove },
    ...(params.signal === undefined ? {} : { signal: params.signal }),
  });
  for (const outcome of outcomes) {
    if (outcome.ok) continue;
    params.onEvent?.({
      type: 'warning',
      message:
        `machine ${outcome.machineId} missed a change to the authorized clients made while it started (${messageOf(outcome.error)}); ` +
        'run the authorize or revoke again to bring it up to date',
    });
  }
}
