import { Buffer } from 'node:buffer';
import { TagKey, throwIfCancelled, type EnvironmentIdentity } from '../../src/index.js';
import { awsCodeOf } from './aws-code.js';
import type { Ec2Api } from './ec2-api.js';
import { liveStates } from './owned-instances.js';

export interface ReadEc2UserDataParams {
  readonly api: Ec2Api;
  readonly environment: EnvironmentIdentity;
  readonly id: string;
  /**
   * True when this Environ started the instance moments ago: it is the environment's
   * (tagged at creation) even while EC2's listings do not show it yet.
   */
  readonly startedHere?: boolean | undefined;
  readonly signal?: AbortSignal | undefined;
}

/**
 * The user-data an instance was started with, through DescribeInstanceAttribute
 * (`userData`), base64 undone: the bytes RunInstances was given, gzip and all. Only for a
 * live instance carrying the environment's ownership tag (one DescribeInstances filtered
 * by the tag, the id and the live states): another environment's instance, a terminated
 * one, or an id EC2 does not know is undefined, and its user-data is never asked for. An
 * instance launched without user-data has none: empty bytes.
 *
 * @example
 * const bytes = await readEc2UserData({ api, environment, id: 'i-0123456789abcdef0' });
 */
export async function readEc2UserData(params: ReadEc2UserDataParams): Promise<Uint8Array | undefined> {
  const what = `reading the user-data of instance ${params.id}`;
  throwIfCancelled(params.signal, what);
  if (params.startedHere !== true && !(await isOwnedAndLive(params, what))) return undefined;
  let value: string | undefined;
  try {
    const answer = await params.api.describeInstanceAttribute({ InstanceId: params.id, Attribute: 'userData' }, { what, signal: params.signal });
    value = answer.UserData?.Value;
  } catch (error) {
    // Gone between the listing and this call, or started so recently that EC2 does not know it yet.
    if (awsCodeOf(error) === 'InvalidInstanceID.NotFound') return undefined;
    throw error;
  }
  return new Uint8Array(Buffer.from(value ?? '', 'base64'));
}

async function isOwnedAndLive(params: ReadEc2UserDataParams, what: string): Promise<boolean> {
  const page = await params.api.describeInstances(
    {
      Filters: [
        { Name: `tag:${TagKey.EnvironmentUuid}`, Values: [params.environment.uuid] },
        { Name: 'instance-id', Values: [params.id] },
        { Name: 'instance-state-name', Values: liveStates.filter((state) => state !== 'shutting-down') },
      ],
    },
    { what, signal: params.signal },
  );
  return (page.Reservations ?? []).some((reservation) => (reservation.Instances ?? []).some((instance) => instance.InstanceId === params.id));
}
