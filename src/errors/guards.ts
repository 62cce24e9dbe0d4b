import { ErrorCode } from './envboot-error.js';
import type { CapacityScope } from './cloud-errors.js';

/**
 * Guards classify by the stable `code` anywhere in the `cause` chain, so wrapping an error
 * with context ("starting instance in us-east-1b: …") never changes how it is handled.
 * Errors from storage/ use the same code strings and classify the same way.
 */
export function errorCodeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** Returns the first error in the cause chain (starting with `error`) whose code is `code`. */
export function findInChain(error: unknown, code: string): unknown {
  const seen = new Set<unknown>();
  for (let e: unknown = error; e !== undefined && e !== null && !seen.has(e); e = (e as { cause?: unknown }).cause) {
    seen.add(e);
    if (errorCodeOf(e) === code) return e;
    if (typeof e !== 'object') break;
  }
  return undefined;
}

function has(code: string): (error: unknown) => boolean {
  return (error) => findInChain(error, code) !== undefined;
}

export const isConfigError = has(ErrorCode.ConfigInvalid);
export const isCredentialsError = has(ErrorCode.CredentialsInvalid);
export const isRateLimited = has(ErrorCode.RateLimited);
export const isQuotaExceeded = has(ErrorCode.QuotaExceeded);
export const isCapacityError = has(ErrorCode.CapacityUnavailable);
export const isNotFound = has(ErrorCode.NotFound);
export const isPreconditionFailed = has(ErrorCode.PreconditionFailed);
export const isAlreadyBootstrapped = has(ErrorCode.AlreadyBootstrapped);
export const isNotBootstrapped = has(ErrorCode.NotBootstrapped);
export const isBootstrapUnfinished = has(ErrorCode.BootstrapUnfinished);
export const isBootstrapTakenOver = has(ErrorCode.BootstrapTakenOver);
export const isStateCorrupt = has(ErrorCode.StateCorrupt);
export const isSshUnreachable = has(ErrorCode.SshUnreachable);
export const isSshAuthRefused = has(ErrorCode.SshAuthRefused);
export const isHostKeyMismatch = has(ErrorCode.SshHostKeyMismatch);
export const isNonceMismatch = has(ErrorCode.SshNonceMismatch);
export const isNonceUnreadable = has(ErrorCode.SshNonceUnreadable);
export const isSshConnectionLost = has(ErrorCode.SshConnectionLost);
export const isTimeout = has(ErrorCode.Timeout);
export const isRemoteCommandFailed = has(ErrorCode.RemoteCommandFailed);
export const isInstanceFailed = has(ErrorCode.InstanceFailed);
export const isBootFailed = has(ErrorCode.BootFailed);
/** Cancellation, whether envboot's own or Node's `AbortError` from an aborted signal. */
export function isCancelled(error: unknown): boolean {
  return findInChain(error, ErrorCode.Cancelled) !== undefined || findInChain(error, 'ABORT_ERR') !== undefined;
}

/** Codes that no other zone can cure: trying the next zone would only repeat them. */
const zoneIndependentByNature: ReadonlySet<string> = new Set([
  ErrorCode.ZoneIndependent,
  ErrorCode.ConfigInvalid,
  ErrorCode.CredentialsInvalid,
  ErrorCode.QuotaExceeded,
  ErrorCode.Cancelled,
]);

/**
 * True when zone fail-over must stop: the error was marked zone-independent by its
 * provider, or is of a kind that every zone would repeat (bad config, credentials, quota,
 * cancellation).
 */
export function isZoneIndependent(error: unknown): boolean {
  return [...zoneIndependentByNature].some((code) => findInChain(error, code) !== undefined);
}

/** The earliest retry time of a rate-limit error in the chain, if there is one. */
export function earliestRetry(error: unknown): Date | undefined {
  const found = findInChain(error, ErrorCode.RateLimited) as { earliestRetry?: unknown } | undefined;
  return found?.earliestRetry instanceof Date ? found.earliestRetry : undefined;
}

/** The scope of a capacity error in the chain, if there is one. */
export function capacityScope(error: unknown): CapacityScope | undefined {
  const found = findInChain(error, ErrorCode.CapacityUnavailable) as { scope?: CapacityScope } | undefined;
  return found?.scope;
}
