import { asError, type Leftover, type RemoveLeftoversResult } from '../../src/index.js';
import { BestEffort } from './best-effort.js';
import type { Ec2Api } from './ec2-api.js';
import type { Ec2Timing } from './ec2-timing.js';
import { deleteGroup } from './teardown.js';
import { terminateOwned } from './terminate.js';

/**
 * Removes leftovers in the order EC2 allows: instances first (per environment, in
 * batches of 1,000, waiting until they are terminated), then security groups (retrying
 * while EC2 still calls them in use), then volumes. Best-effort: everything is tried,
 * every failure listed; a resource already gone counts as removed.
 */
export async function removeEc2Leftovers(params: {
  readonly api: Ec2Api;
  readonly leftovers: readonly Leftover[];
  readonly timing: Ec2Timing;
  readonly signal?: AbortSignal | undefined;
}): Promise<RemoveLeftoversResult> {
  const removed: string[] = [];
  const failures: { resource: string; error: Error }[] = [];
  const of = (kind: string): Leftover[] => params.leftovers.filter((leftover) => leftover.kind === kind);
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
