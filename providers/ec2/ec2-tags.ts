// The light entry point: this module is loaded by the CLI's descriptor (no SDK, no ssh2).
import { parseRfc3339 } from '../../src/provider-config/index.js';
import type { EnvironmentIdentity } from '../../src/index.js';

/**
 * Tags the ec2 provider adds to envboot's own (see `src/provider/tags.ts`), so that
 * `envboot cleanup` can judge a resource on its own, with no local records: where its
 * environment's provider-state lives, when it expires (an environment bootstrapped with a
 * ttl), and, for security groups (which EC2 gives no creation time), when it was made.
 */
export const Ec2TagKey = {
  ProviderState: 'envboot-provider-state',
  CreatedAt: 'envboot-created-at',
  ExpiresAt: 'envboot-expires-at',
} as const;

/**
 * The most tags envboot itself puts on one resource: the environment's uuid and name,
 * `Name`, the provider-state location and the expiry, plus the machine id (instances and
 * their volumes) or the creation time (the security group). With EC2's 50 per resource,
 * this leaves 44 for `resource-tags`.
 */
export const maxEnvbootTags = 6;

/** EC2's limit on the tags of one resource. */
export const maxTagsPerResource = 50;

/** `s3://bucket/prefix/` for the provider-state tag. */
export function stateLocation(bucket: string, prefix: string): string {
  return `s3://${bucket}/${prefix}`;
}

/** Where the environment's objects live in the bucket: under its prefix, in a folder per environment. */
export function storagePrefix(prefix: string, environment: EnvironmentIdentity): string {
  return `${prefix}${environment.name}/`;
}

/** Parses a provider-state tag; undefined when it is not one. */
export function parseStateLocation(value: string | undefined): { bucket: string; prefix: string } | undefined {
  const match = /^s3:\/\/([^/]+)\/(.*)$/.exec(value ?? '');
  return match === null ? undefined : { bucket: match[1] ?? '', prefix: match[2] ?? '' };
}

/** RFC 3339 in UTC to the second (`2025-06-01T18:00:00Z`): how times (an expiry, a group's creation) are tagged and recorded. */
export function tagTime(at: Date): string {
  return at.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * A time as a tag gives it (an expiry); undefined when it is none. Tags are anyone's to
 * edit: only a full RFC 3339 time counts, never what `Date` would guess at.
 */
export const parseTagTime: (value: unknown) => Date | undefined = parseRfc3339;
