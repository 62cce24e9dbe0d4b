import type { Storage } from '../../storage/index.js';
import { environmentExpiry, isNotBootstrapped, loadState, stateObjectName, type Leftover } from '../../src/index.js';
import type { Ec2StateLocation } from './ec2-services.js';
import { parseStateLocation } from './ec2-tags.js';

export interface RemoveExpiredStateParams {
  /** A `provider-state` leftover: its id is the location, `s3://bucket/prefix/`. */
  readonly leftover: Leftover;
  readonly stateStorage: (location: Ec2StateLocation) => Storage;
  readonly now: Date;
  readonly signal?: AbortSignal | undefined;
}

/**
 * Removes an expired environment's storage, provider-state last, and the bucket too where
 * envboot made it and nothing else is left (`Storage.removeAll`'s rule, as destroy has
 * it). Provider-state is read again first, and deleted only if it is the version read: a state
 * that meanwhile belongs to another environment, or records no passed expiry (a new
 * bootstrap of the same name), is left alone. Gone already is success.
 */
export async function removeExpiredState(params: RemoveExpiredStateParams): Promise<void> {
  const { leftover } = params;
  const location = parseStateLocation(leftover.id);
  if (location === undefined) throw new Error(`${leftover.id} is not an s3:// location of provider-state`);
  const storage = params.stateStorage({ ...location, createBucket: false });
  const signal = params.signal === undefined ? {} : { signal: params.signal };
  let loaded;
  try {
    loaded = await loadState({ storage, ...signal });
  } catch (error) {
    if (isNotBootstrapped(error)) return;
    throw error;
  }
  const owner = (loaded.state.fields['environment'] as { uuid?: unknown } | undefined)?.uuid;
  const expiresAt = environmentExpiry(loaded.state);
  if (owner !== leftover.environment.uuid || expiresAt === undefined || expiresAt.getTime() > params.now.getTime()) {
    throw new Error(`provider-state at ${leftover.id} changed since it was judged expired (a new bootstrap?); it is kept: run "envboot cleanup --expired" again to judge it afresh`);
  }
  // Everything else first and provider-state last, deleted only as read: it is the one
  // gate, so a bootstrap of the same name that claims it meanwhile keeps what it wrote.
  let cursor: string | undefined;
  do {
    const page = await storage.list({ ...(cursor === undefined ? {} : { cursor }), ...signal });
    for (const object of page.objects) if (object.key !== stateObjectName) await storage.delete({ key: object.key, ...signal });
    cursor = page.cursor;
  } while (cursor !== undefined);
  await storage.delete({ key: stateObjectName, ifVersion: loaded.version, ...signal });
  // The bucket goes by removeAll's rule (only envboot's marker left in it), asked through a
  // prefix nothing lives under: a claim made after the delete above is not swept with it.
  const bucketOnly = params.stateStorage({ bucket: location.bucket, prefix: `${location.prefix}${emptyPrefix}`, createBucket: false });
  await bucketOnly.removeAll(signal);
}

/** A prefix under the environment's where nothing is ever written. */
const emptyPrefix = '.envboot-nothing-here/';
