import { setTimeout as delay } from 'node:timers/promises';
import { CancelledError, type EnvironmentIdentity } from '../../src/index.js';
import type { Ec2Api } from './ec2-api.js';
import { describeOwnedInstances } from './owned-instances.js';

/** TerminateInstances takes at most 1,000 ids per call. */
export const terminateBatch = 1000;

export interface TerminateParams {
  readonly api: Ec2Api;
  readonly environment: EnvironmentIdentity;
  readonly ids: readonly string[];
  readonly waitUntilGone: boolean;
  /** Pauses between polls while waiting, growing from the first to the last. */
  readonly pollMs: { readonly first: number; readonly max: number };
  readonly signal?: AbortSignal | undefined;
}

/**
 * Terminates those of `ids` that carry the environment's tag and are not terminated
 * already (ids that are gone, or not this environment's, are left alone: success), in
 * calls of at most 1,000, then optionally polls with one DescribeInstances per round
 * until none of them is shutting down any more.
 */
export async function terminateOwned(params: TerminateParams): Promise<void> {
  const wanted = new Set(params.ids);
  const live = await liveAmong(params, wanted, 'finding the instances to stop');
  for (let start = 0; start < live.length; start += terminateBatch) {
    const batch = live.slice(start, start + terminateBatch);
    await params.api.terminateInstances(batch, { what: `stopping ${batch.length} instance(s)`, signal: params.signal });
  }
  if (!params.waitUntilGone || live.length === 0) return;
  let wait = params.pollMs.first;
  for (;;) {
    await pause(wait, params.signal);
    if ((await liveAmong(params, wanted, 'waiting for the instances to terminate')).length === 0) return;
    wait = Math.min(params.pollMs.max, wait * 2);
  }
}

async function liveAmong(params: TerminateParams, wanted: ReadonlySet<string>, what: string): Promise<string[]> {
  const owned = await describeOwnedInstances({ api: params.api, environment: params.environment, liveOnly: true, what, signal: params.signal });
  return owned.flatMap((instance) => (instance.InstanceId !== undefined && wanted.has(instance.InstanceId) ? [instance.InstanceId] : []));
}

/** Waits `ms`, or rejects with `CANCELLED` as soon as `signal` aborts. */
export async function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  await delay(ms, undefined, signal === undefined ? {} : { signal }).catch((error: unknown) => {
    throw new CancelledError('waiting cancelled', { cause: error });
  });
}
