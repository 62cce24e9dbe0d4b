import { CapacityError, CredentialsError, QuotaExceededError, RateLimitedError } from '../../errors/index.js';
import type { EnvironmentIdentity } from '../../provider/index.js';

/**
 * Faults a test injects into a `FakeEnviron`, through `environ.faults`. Every field is
 * mutable at any time and read when a call needs it: a test can break and mend the fake
 * cloud in the middle of a flow. Fields read at `startInstance` (boot delay, failed boot,
 * dead address) apply to instances started afterwards.
 *
 * @example
 * environ.faults.capacityZones.add('zone-a');
 * environ.faults.rateLimit = { times: 2, retryAfterMs: 5_000 };
 */
export interface FakeFaults {
  /** Every call (preflight included) fails with `CREDENTIALS_INVALID`. */
  credentialsInvalid: boolean;
  /** `startInstance` in these zones fails with `CAPACITY_UNAVAILABLE`, scope `all`. */
  capacityZones: Set<string>;
  /** Zones `availabilityZones` reports as not available (starting there still works). */
  unavailableZones: Set<string>;
  /** `startInstance` fails with `QUOTA_EXCEEDED`. */
  quotaExceeded: boolean;
  /**
   * The next `times` `startInstance` calls fail with `RATE_LIMITED`, `earliestRetry` being
   * `retryAfterMs` from the call; each failure decrements `times`.
   */
  rateLimit: { times: number; retryAfterMs: number };
  /** How long `startInstance` takes before it answers; abortable by its signal. */
  startDelayMs: number;
  /** How long a machine waits, SSH already up, before it applies its user-data. */
  bootDelayMs: number;
  /** Machines go to `failed` instead of booting. */
  failBoot: boolean;
  /** `stopInstances` leaves these running and rejects, after stopping the other ids. */
  failStopIds: Set<string>;
  /** Machines also report a `cloud-local` address on which nothing listens. */
  deadCloudLocalAddress: boolean;
  /** Returned by `preflight` as its warnings. */
  preflightWarnings: string[];
  /** `openPorts` fails with `QUOTA_EXCEEDED` (the security group's rule limit, as EC2's) and opens nothing. */
  openPortsFails: boolean;
}

/** A fault set with nothing broken: the initial `environ.faults`. */
export function noFaults(): FakeFaults {
  return {
    credentialsInvalid: false,
    capacityZones: new Set(),
    unavailableZones: new Set(),
    quotaExceeded: false,
    rateLimit: { times: 0, retryAfterMs: 0 },
    startDelayMs: 0,
    bootDelayMs: 0,
    failBoot: false,
    failStopIds: new Set(),
    deadCloudLocalAddress: false,
    preflightWarnings: [],
    openPortsFails: false,
  };
}

/** Throws `CREDENTIALS_INVALID` when the fault is on: checked by every call. */
export function checkCredentials(faults: FakeFaults, environment: EnvironmentIdentity): void {
  if (faults.credentialsInvalid) {
    throw new CredentialsError(
      `the fake cloud refused the credentials of environment "${environment.name}" (injected fault credentialsInvalid); fix the credentials and retry`,
    );
  }
}

/** Throws `QUOTA_EXCEEDED` when the fault is on: checked by `openPorts` before it opens anything. */
export function checkOpenPortsFault(faults: FakeFaults, environment: EnvironmentIdentity): void {
  if (faults.openPortsFails) {
    throw new QuotaExceededError(
      `the fake cloud's security group of environment "${environment.name}" has reached its rule limit (injected fault openPortsFails); close ports or raise the limit`,
    );
  }
}

/**
 * Throws the error a cloud would give a start request under the current faults, in the
 * order a cloud checks them: throttling, then account quota, then zone capacity. A rate
 * limit failure uses up one of its `times`.
 */
export function checkStartFaults(faults: FakeFaults, params: { zone: string | undefined; now: Date }): void {
  if (faults.rateLimit.times > 0) {
    faults.rateLimit = { ...faults.rateLimit, times: faults.rateLimit.times - 1 };
    const earliestRetry = new Date(params.now.getTime() + faults.rateLimit.retryAfterMs);
    throw new RateLimitedError(
      `the fake cloud throttled startInstance (injected fault rateLimit); retry after ${earliestRetry.toISOString()}`,
      { earliestRetry },
    );
  }
  if (faults.quotaExceeded) {
    throw new QuotaExceededError(
      'the fake cloud account reached its instance quota (injected fault quotaExceeded); stop other instances or raise the quota',
    );
  }
  if (params.zone !== undefined && faults.capacityZones.has(params.zone)) {
    throw new CapacityError(
      `the fake cloud has no capacity in zone ${params.zone} (injected fault capacityZones); try another zone`,
      { scope: { kind: 'all' }, zone: params.zone },
    );
  }
}
