import type { ProviderState } from './state-document.js';

/**
 * The provider-state field that records when an environment expires: an RFC 3339 time in
 * UTC, set once by a provider that gives environments a lifetime (the ec2 provider's
 * `ttl`), read by `status` and by cleanup of expired environments. An environment whose
 * provider-state has none never expires.
 */
export const expiresAtField = 'expires-at';

const rfc3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * A full RFC 3339 time (`2025-06-01T18:00:00Z`, `2025-06-01T20:00:00+02:00`); undefined for
 * anything else. Provider-state and tags are anyone's to edit: a value counts only when it
 * is such a time, never by what `Date` would guess at.
 */
export function parseRfc3339(value: unknown): Date | undefined {
  if (typeof value !== 'string' || !rfc3339.test(value)) return undefined;
  const at = new Date(value);
  return Number.isNaN(at.getTime()) ? undefined : at;
}

/** The expiry provider-state records; undefined when it records none, or no time. */
export function environmentExpiry(state: Pick<ProviderState, 'fields'> | undefined): Date | undefined {
  return parseRfc3339(state?.fields[expiresAtField]);
}

/** `state` recording the expiry `at`, in UTC to the second (`2025-06-01T18:00:00Z`). */
export function withEnvironmentExpiry(state: ProviderState, at: Date): ProviderState {
  return { ...state, fields: { ...state.fields, [expiresAtField]: at.toISOString().replace(/\.\d{3}Z$/, 'Z') } };
}
