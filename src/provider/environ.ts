import type { CloudConfig } from '../../cloudinit/index.js';
import type { Storage } from '../../storage/index.js';
import type { Problem } from '../errors/index.js';
import type { Constraints } from './constraints.js';
import type { Hardware, Instance } from './instance.js';
import type { ProviderCapabilities } from './provider.js';
import type { EnvironmentIdentity } from './tags.js';

/**
 * One environment on one provider: the core contract every provider implements is what
 * every cloud has: storage, start, stop and list. `preflight`, `prepare` and `teardown`
 * are optional, with common defaults (nothing to check, nothing shared, nothing left); call
 * them through `preflightEnviron`, `prepareEnviron` and `tearDownEnviron`. Optional
 * abilities (zones, instance-type catalogue, firewall, …) are separate interfaces in
 * `abilities/`, found at run time with their type guards.
 *
 * Rules that hold for every method:
 * - Each call takes a `signal`; when it aborts, the call rejects promptly with a
 *   `CANCELLED` error. What was already done on the cloud stays done, and is found again
 *   by `allInstances` (tags are applied at creation, never afterwards).
 * - Errors are envboot's error family, translated once at the provider boundary:
 *   `CREDENTIALS_INVALID`, `RATE_LIMITED` (with `earliestRetry`), `QUOTA_EXCEEDED`,
 *   `CAPACITY_UNAVAILABLE` (with scope and zone), `CONFIG_INVALID` for parameters the
 *   cloud rejected, and `ZoneIndependentError` around anything another zone cannot cure.
 * - Methods may be called concurrently, from several processes too; providers that need
 *   serialisation do it themselves.
 * - A provider never touches a resource that lacks this environment's ownership tag.
 */
export interface Environ {
  /** The provider's registered name. */
  readonly provider: string;
  readonly environment: EnvironmentIdentity;
  /**
   * The user common code logs in as on this environment's machines (the default user of
   * the image: `ubuntu` on Ubuntu clouds). When it is not `root`, configuration runs
   * through `sudo -n`.
   */
  readonly sshUser: string;
  /** The provider's declared capabilities (the same object as `Provider.capabilities`). */
  readonly capabilities: ProviderCapabilities;

  /**
   * The storage that holds this environment's provider-state. Cheap and synchronous: it
   * does not create anything until written to.
   */
  storage(): Storage;

  /**
   * Optional: what in a cloud-config this provider's machines cannot do (no package
   * installation, accounts or paths the machine lacks). Pure and synchronous; common code
   * calls it before creating anything and refuses the config with every problem listed.
   */
  checkCloudConfig?(config: CloudConfig): readonly Problem[];

  /**
   * Optional: checks, without creating anything, that the environment can be bootstrapped:
   * credentials, region, quota. Fails with `CREDENTIALS_INVALID` or `CONFIG_INVALID`
   * before a single resource exists. Idempotent and read-only. Without it, nothing is
   * checked before the claim but the constraints and zones.
   */
  preflight?(params: PreflightParams): Promise<PreflightResult>;

  /**
   * Optional: gets or creates the shared resources machines need (security group, key
   * pair, bucket, network), each tagged at creation. Idempotent: a second call finds and
   * returns what the first created. Safe to call concurrently. Without it, machines share
   * nothing.
   */
  prepare?(params: PrepareParams): Promise<PrepareResult>;

  /**
   * Starts one machine and returns as soon as the provider has accepted it (status
   * usually `pending`, addresses possibly empty): waiting for it to boot is common code's
   * job. The instance carries `params.tags` from the moment it exists.
   * Not idempotent: each call starts a machine. Zone-specific failures are
   * `CAPACITY_UNAVAILABLE` (or any error without the zone-independent marker); failures
   * no zone can cure are zone-independent.
   */
  startInstance(params: StartInstanceParams): Promise<StartInstanceResult>;

  /**
   * Stops (terminates) the given instances and releases what only they used. Idempotent:
   * ids that no longer exist are success. Returns once the provider accepted the
   * request; `waitUntilGone` asks it to return only when they are gone.
   */
  stopInstances(params: StopInstancesParams): Promise<void>;

  /**
   * The current view of the given instances, in the order asked. An id that does not
   * exist (or is not this environment's) yields `undefined` at its position; it is not
   * an error. Used for polling: one call, whatever the number of ids.
   */
  instances(params: InstancesParams): Promise<readonly (Instance | undefined)[]>;

  /**
   * Every instance that carries this environment's ownership tag and is not yet
   * terminated, found by a tag query, not from provider-state, so that destroy finds
   * machines even when provider-state is lost.
   */
  allInstances(params: AllInstancesParams): Promise<readonly Instance[]>;

  /**
   * Optional: deletes what `prepare` created and anything else provider-specific the
   * environment owns, after its instances are gone. Best-effort and idempotent: missing
   * resources are success; the result lists what could not be removed and why, rather
   * than stopping at the first failure. Storage is removed by common code afterwards, not
   * here. Without it, stopping the instances leaves nothing behind.
   */
  teardown?(params: TeardownParams): Promise<TeardownResult>;
}

export interface PreflightParams {
  readonly signal?: AbortSignal;
}

export interface PreflightResult {
  /** Things worth telling the operator that do not stop the bootstrap. */
  readonly warnings: readonly string[];
  /**
   * The provider's health, check by check (credentials, region, quota, …), for
   * `envboot providers --check ENV`: what passed, and what could not be checked and why.
   * A failed check is not listed here: preflight throws it.
   */
  readonly checks?: readonly HealthCheck[];
}

/** One passed (or not checkable) part of a provider's health. */
export interface HealthCheck {
  /** `credentials`, `region`, `quota`, `network`, … */
  readonly name: string;
  readonly status: 'ok' | 'not-checked';
  /** What was found, or why it could not be checked. */
  readonly detail: string;
}

export interface PrepareParams {
  readonly signal?: AbortSignal;
}

export interface PrepareResult {
  /** Provider-specific ids of the shared resources, for the record and for status. */
  readonly resources: Readonly<Record<string, string>>;
  /** True when this call created something (as opposed to finding everything). */
  readonly created: boolean;
}

export interface StartInstanceParams {
  /** envboot's machine id (`0` for the controller); also tagged on the instance. */
  readonly machineId: string;
  /** The zone to start in; absent lets the provider choose. */
  readonly zone?: string | undefined;
  readonly constraints: Constraints;
  /** The image id, when common code or the operator chose one. */
  readonly image?: string | undefined;
  /** The instance type, when chosen from the catalogue. */
  readonly instanceType?: string | undefined;
  /**
   * A provider-specific placement directive, as Juju's `--to`: for the manual provider the
   * host to enrol (`ubuntu@203.0.113.7:22`). Providers that take none refuse one with
   * `CONFIG_INVALID`.
   */
  readonly placement?: string | undefined;
  /** Rendered user-data, already within the provider's declared size limit. */
  readonly userData: Uint8Array;
  /** Tags to apply at creation: ownership, machine id, name. */
  readonly tags: Readonly<Record<string, string>>;
  readonly signal?: AbortSignal | undefined;
}

export interface StartInstanceResult {
  readonly instance: Instance;
  /** The hardware the instance was given, when known before boot. */
  readonly hardware?: Hardware;
  /**
   * The machine's own host keys (OpenSSH lines), for machines that keep the keys they
   * already had (manual hosts) rather than the ones in their user-data: SSH pins these.
   */
  readonly hostKeys?: readonly string[];
}

export interface StopInstancesParams {
  readonly ids: readonly string[];
  readonly waitUntilGone?: boolean;
  readonly signal?: AbortSignal;
}

export interface InstancesParams {
  readonly ids: readonly string[];
  readonly signal?: AbortSignal;
}

export interface AllInstancesParams {
  readonly signal?: AbortSignal;
}

export interface TeardownParams {
  readonly signal?: AbortSignal;
}

export interface TeardownResult {
  /** What was removed, for the operator. */
  readonly removed: readonly string[];
  /** What could not be removed, each with the reason. Empty on full success. */
  readonly failures: readonly { readonly resource: string; readonly error: Error }[];
}
