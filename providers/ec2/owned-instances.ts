import type { Instance as Ec2Instance } from '@aws-sdk/client-ec2';
import { TagKey, type EnvironmentIdentity } from '../../src/index.js';
import type { Ec2Api } from './ec2-api.js';
import { after, allPages } from './paginate.js';

/** Instance states other than `terminated`: what still exists, or is going. */
export const liveStates = ['pending', 'running', 'shutting-down', 'stopping', 'stopped'];

/**
 * Every instance carrying the environment's ownership tag, terminated ones included
 * unless `liveOnly`: one DescribeInstances call per 1,000 instances, whatever the number
 * of ids a caller is interested in. A filter rather than instance ids, because EC2 fails
 * the whole call when one id is unknown, and ids of other environments must not be seen.
 */
export async function describeOwnedInstances(params: {
  readonly api: Ec2Api;
  readonly environment: EnvironmentIdentity;
  readonly liveOnly?: boolean;
  readonly what: string;
  readonly signal?: AbortSignal | undefined;
}): Promise<Ec2Instance[]> {
  return allPages({
    page: (token) =>
      params.api.describeInstances(
        {
          Filters: [
            { Name: `tag:${TagKey.EnvironmentUuid}`, Values: [params.environment.uuid] },
            ...(params.liveOnly === true ? [{ Name: 'instance-state-name', Values: liveStates }] : []),
          ],
          MaxResults: 1000,
          ...after(token),
        },
        { what: params.what, signal: params.signal },
      ),
    items: (page) => (page.Reservations ?? []).flatMap((reservation) => reservation.Instances ?? []),
  });
}
