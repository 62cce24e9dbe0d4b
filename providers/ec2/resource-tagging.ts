import type { Storage } from '../../storage/index.js';
import { environmentExpiry, isNotBootstrapped, updateState, withEnvironmentExpiry } from '../../src/index.js';
import { Ec2TagKey, tagTime, parseTagTime } from './ec2-tags.js';

export interface Ec2TaggingParams {
  /** `s3://bucket/prefix/`: on every resource, for `envboot cleanup`. */
  readonly stateLocation: string;
  /** The environment's storage, where provider-state records the expiry. */
  readonly storage: Storage;
  /** `resource-tags` with `--tag` over them. */
  readonly resourceTags?: Readonly<Record<string, string>> | undefined;
  /** `ttl` or `--ttl`: how long after its bootstrap the environment lives. */
  readonly ttlMs?: number | undefined;
  /** The clock; tests pass their own. */
  readonly now?: (() => Date) | undefined;
}

/**
 * The tags the ec2 provider puts on resources beyond common code's, at creation: the
 * operator's `resource-tags` (first, so that envboot's own always win; a clash is refused
 * before anything is created), where provider-state lives, and the environment's expiry.
 *
 * The expiry is settled when the environment's security group is: a group that exists
 * carries it (add-machine, `bootstrap --resume`), so a machine gets it with no further
 * call; a group made now (bootstrap) gets now + ttl, recorded in provider-state first
 * (unless provider-state already has one, which is kept). Without a ttl nothing is read or
 * written, and the environment never expires. A ttl set after bootstrap does not change
 * an environment's expiry.
 */
export class Ec2Tagging {
  readonly #params: Ec2TaggingParams;
  #expiresAt: string | undefined;

  constructor(params: Ec2TaggingParams) {
    this.#params = params;
  }

  /** The environment's expiry once settled (RFC 3339), or undefined: none, or not yet known. */
  get expiresAt(): string | undefined {
    return this.#expiresAt;
  }

  /** Tags for the group about to be created: the expiry is settled (and recorded) here. */
  async forNewGroup(params: { readonly signal?: AbortSignal | undefined }): Promise<Record<string, string>> {
    this.#expiresAt = await this.#settleExpiry(params.signal);
    return { ...this.#common(), [Ec2TagKey.CreatedAt]: tagTime(this.#now()) };
  }

  /** Learns the expiry from the group's tags, found or made (a value that is no time is none). */
  learnFromGroup(tags: Readonly<Record<string, string>>): void {
    const at = parseTagTime(tags[Ec2TagKey.ExpiresAt]);
    this.#expiresAt = at === undefined ? undefined : tagTime(at);
  }

  /** A machine's tags: the operator's, then common code's (ownership, machine id, Name), provider-state and the expiry. */
  forMachine(machineTags: Readonly<Record<string, string>>): Record<string, string> {
    const { resourceTags, stateLocation } = this.#params;
    return { ...resourceTags, ...machineTags, ...this.#envbootTags(stateLocation) };
  }

  #common(): Record<string, string> {
    return { ...this.#params.resourceTags, ...this.#envbootTags(this.#params.stateLocation) };
  }

  #envbootTags(stateLocation: string): Record<string, string> {
    return { [Ec2TagKey.ProviderState]: stateLocation, ...(this.#expiresAt === undefined ? {} : { [Ec2TagKey.ExpiresAt]: this.#expiresAt }) };
  }

  async #settleExpiry(signal: AbortSignal | undefined): Promise<string | undefined> {
    const { ttlMs } = this.#params;
    if (ttlMs === undefined) return undefined;
    let settled = new Date(this.#now().getTime() + ttlMs);
    try {
      await updateState({
        storage: this.#params.storage,
        update: (state) => {
          const recorded = environmentExpiry(state);
          if (recorded !== undefined) {
            settled = recorded;
            return state;
          }
          return withEnvironmentExpiry(state, settled);
        },
        ...(signal === undefined ? {} : { signal }),
      });
    } catch (error) {
      // A group prepared with no environment claimed (the library's prepare alone): nothing to record in.
      if (!isNotBootstrapped(error)) throw error;
    }
    return tagTime(settled);
  }

  #now(): Date {
    return this.#params.now?.() ?? new Date();
  }
}
