import type { Storage } from '../../storage/index.js';
import { asError, type Leftover, type RemoveLeftoversResult } from '../../src/index.js';
import { BestEffort } from './best-effort.js';
import type { Ec2Api } from './ec2-api.js';
import type { Ec2StateLocation } from './ec2-services.js';
import type { Ec2Timing } from './ec2-timing.js';
import { removeExpiredState } from './remove-expired-state.js';
import { deleteGroup } from './teardown.js';
import { terminateOwned } from './terminate.js';

/**
 * Removes leftovers: expired environments' provider-state first (so that, should the rest
 * fail, what is left is an orphan the next cleanup finds by its tags alone), then in the
 * order EC2 allows: instances (per environment, in
 * batches of 1,000, waiting until they are terminated), then security groups (retrying
 * while EC2 still calls them in use), then volumes. Best-effort: everything is tried,
 * every failure listed; a resource already gone counts as removed.
 */
export async function removeEc2Leftovers(params: {
  readonly api: Ec2Api;
  readonly leftovers: readonly Leftover[];
  readonly timing: Ec2Timing;
  /** Opens provider-state where a `provider-state` leftover says it is. */
  readonly stateStorage: (location: Ec2StateLocation) => Storage;
  readonly now?: Date | undefined;
  readonly signal?: AbortSignal | undefined;
}): Promise<RemoveLeftoversResult> {
  const removed: string[] = [];
  const failures: { resource: string; error: Error }[] = [];
  const of = (kind: string): Leftover[] => params.leftovers.filter((leftover) => leftover.kind === kind);
  const states = new BestEffort();
  const now = params.now ?? new Date();
  for (const leftover of of('provider-state')) {
    await states.attempt(`provider-state ${leftover.id}`, () => removeExpiredState({ leftover, stateStorage: params.stateStorage, now, signal: params.signal }), { goneIsRemoved: true });
  }
  removed.push(...states.removed);
  failures.push(...states.failures);
  const environments = new Map(of('instance').map((l) => [l.environment.uuid, l.environment]));
  for (const [uuid, environment] of environments) {
    const ids = of('instance').filter((l) => l.environment.uuid === uuid).map((l) => l.id);
    try {
      await terminateOwned({
        api: params.api,
        environment: { uuid, name: environment.name ?? '' },
        ids,
        waitUntilGone: true,
        pollMs: params.timing.terminatePollMs,
        signal: params.signal,
      });
      removed.push(...ids.map((id) => `instance ${id}`));
    } catch (error) {
      failures.push(...ids.map((id) => ({ resource: `instance ${id}`, error: asError(error) })));
    }
  }
  const work = new BestEffort();
  const gone = { goneIsRemoved: true };
  for (const group of of('security-group')) {
    await work.attempt(`security group ${group.id}`, () => deleteGroup({ api: params.api, dependencyRetry: params.timing.dependencyRetry, signal: params.signal }, group.id), gone);
  }
  for (const volume of of('volume')) {
    await work.attempt(`volume ${volume.id}`, () => params.api.deleteVolume(volume.id, { what: `deleting volume ${volume.id}`, signal: params.signal }), gone);
  }
  return { removed: [...removed, ...work.removed], failures: [...failures, ...work.failures] };
}
