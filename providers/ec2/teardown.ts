import { TagKey, type EnvironmentIdentity, type TeardownResult } from '../../src/index.js';
import { awsCodeOf } from './aws-code.js';
import { BestEffort } from './best-effort.js';
import type { Ec2Api } from './ec2-api.js';
import { findSecurityGroups } from './security-group.js';
import { pause } from './terminate.js';

export interface Ec2TeardownParams {
  readonly api: Ec2Api;
  readonly environment: EnvironmentIdentity;
  /**
   * How long to keep retrying a group EC2 still calls in use: network interfaces of
   * terminated instances linger for a minute or two after they are gone.
   */
  readonly dependencyRetry: { readonly firstMs: number; readonly maxMs: number; readonly totalMs: number };
  readonly signal?: AbortSignal | undefined;
}

/**
 * Deletes what the environment owns besides its instances, once they are gone: its
 * security groups (retrying `DependencyViolation` with back-off) and any of its volumes
 * left unattached. Best-effort: every resource is tried, failures are listed.
 */
export async function tearDownEc2(params: Ec2TeardownParams): Promise<TeardownResult> {
  const work = new BestEffort();
  const groups = await findSecurityGroups({ api: params.api, environment: params.environment, signal: params.signal });
  for (const group of groups) {
    const id = group.GroupId ?? '';
    await work.attempt(`security group ${id} (${group.GroupName ?? ''})`, () => deleteGroup(params, id));
  }
  const volumes = await params.api.describeVolumes(
    { Filters: [{ Name: `tag:${TagKey.EnvironmentUuid}`, Values: [params.environment.uuid] }, { Name: 'status', Values: ['available'] }] },
    { what: 'finding leftover volumes', signal: params.signal },
  );
  for (const volume of volumes.Volumes ?? []) {
    const id = volume.VolumeId ?? '';
    await work.attempt(`volume ${id}`, () => params.api.deleteVolume(id, { what: `deleting volume ${id}`, signal: params.signal }));
  }
  return { removed: work.removed, failures: work.failures };
}

export async function deleteGroup(params: Omit<Ec2TeardownParams, 'environment'>, groupId: string): Promise<void> {
  const { firstMs, maxMs, totalMs } = params.dependencyRetry;
  const deadline = Date.now() + totalMs;
  let wait = firstMs;
  for (;;) {
    try {
      await params.api.deleteSecurityGroup(groupId, { what: `deleting security group ${groupId}`, signal: params.signal });
      return;
    } catch (error) {
      if (awsCodeOf(error) !== 'DependencyViolation' || Date.now() + wait > deadline) throw error;
    }
    await pause(wait, params.signal);
    wait = Math.min(maxMs, wait * 2);
  }
}
