import type { Leftover } from '../../src/index.js';
import { Ec2TagKey, parseTagTime } from './ec2-tags.js';

/**
 * Why `cleanup --expired` removes a resource: its own `envboot-expires-at` tag has passed.
 * Undefined when it has none, a later one, or one that is no time (tags are anyone's to
 * edit: such a resource is kept, and `expiryProblem` says why).
 */
export function expiredReason(tags: Readonly<Record<string, string>>, now: Date): string | undefined {
  const at = parseTagTime(tags[Ec2TagKey.ExpiresAt]);
  if (at === undefined || at.getTime() > now.getTime()) return undefined;
  return `expired at ${at.toISOString()}`;
}

/** What keeps a resource whose expiry tag is no time: undefined when the tag is absent or a time. */
export function expiryProblem(tags: Readonly<Record<string, string>>): string | undefined {
  const value = tags[Ec2TagKey.ExpiresAt];
  if (value === undefined || parseTagTime(value) !== undefined) return undefined;
  return `its ${Ec2TagKey.ExpiresAt} tag is not an RFC 3339 time, so it does not expire`;
}

export interface StateExpiryParams {
  /** The environment's provider-state location, `s3://bucket/prefix/`. */
  readonly where: string;
  /** The expiry provider-state records, where it does. */
  readonly expiresAt: Date | undefined;
  readonly environment: Leftover['environment'];
  /** How many of the environment's resources stay. */
  readonly kept: number;
  readonly now: Date;
}

/**
 * The environment's provider-state as a leftover of `cleanup --expired`: when it records
 * an expiry that has passed and every resource of the environment goes too. While one
 * stays (it has no expiry tag, or a later one), provider-state stays with it, and the
 * environment is reported instead: removing the state would leave that resource to the
 * next plain cleanup as an orphan.
 */
export function stateExpiry(params: StateExpiryParams): { leftover?: Leftover; undecided?: string } {
  const { expiresAt, now } = params;
  if (expiresAt === undefined || expiresAt.getTime() > now.getTime()) return {};
  const expired = `expired at ${expiresAt.toISOString()}`;
  if (params.kept > 0) return { undecided: `its provider-state ${expired}, but ${params.kept} of its resources carry no expiry that has passed: they and provider-state are kept` };
  return { leftover: { kind: 'provider-state', id: params.where, environment: params.environment, reason: expired } };
}
