import { EnvbootError, ErrorCode, type EnvbootErrorOptions } from './envboot-error.js';

/**
 * The cloud refused the credentials (missing, wrong, expired, or lacking a permission).
 * Never retried and never tried in another zone; the CLI exits with code 3.
 */
export class CredentialsError extends EnvbootError {
  constructor(message: string, options: EnvbootErrorOptions = {}) {
    super(ErrorCode.CredentialsInvalid, message, options);
  }
}

/**
 * Marks any error as independent of the zone it happened in, so that zone fail-over
 * stops at once instead of repeating the same failure in every zone. The wrapped error
 * stays reachable through `cause`, and the guards look through the marker.
 */
export class ZoneIndependentError extends EnvbootError {
  constructor(cause: unknown) {
    super(ErrorCode.ZoneIndependent, cause instanceof Error ? cause.message : String(cause), { cause });
  }
}

export interface RateLimitedErrorOptions extends EnvbootErrorOptions {
  /** The earliest moment at which the cloud will accept the call again. */
  readonly earliestRetry: Date;
}

/** The cloud throttled the call; retry no sooner than `earliestRetry`. */
export class RateLimitedError extends EnvbootError {
  readonly earliestRetry: Date;

  constructor(message: string, options: RateLimitedErrorOptions) {
    super(ErrorCode.RateLimited, message, options);
    this.earliestRetry = options.earliestRetry;
  }
}

/** An account limit (instances, vCPUs, addresses) was reached; zone-independent. */
export class QuotaExceededError extends EnvbootError {
  constructor(message: string, options: EnvbootErrorOptions = {}) {
    super(ErrorCode.QuotaExceeded, message, options);
  }
}

/** What a capacity shortage applies to: one instance type, a whole family, or everything. */
export type CapacityScope =
  | { readonly kind: 'instance-type'; readonly instanceType: string }
  | { readonly kind: 'family'; readonly family: string }
  | { readonly kind: 'all' };

export interface CapacityErrorOptions extends EnvbootErrorOptions {
  readonly scope: CapacityScope;
  /** The zone that had no capacity, when the cloud said. */
  readonly zone?: string;
}

/**
 * The cloud has no capacity for the request in this zone just now. Zone-specific: the
 * bootstrap flow moves to the next zone, and the zone chooser skips this one for a while.
 */
export class CapacityError extends EnvbootError {
  readonly scope: CapacityScope;
  readonly zone: string | undefined;

  constructor(message: string, options: CapacityErrorOptions) {
    super(ErrorCode.CapacityUnavailable, message, options);
    this.scope = options.scope;
    this.zone = options.zone;
  }
}
