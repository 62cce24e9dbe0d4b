import type { ConstraintDefault, Constraints, EnvironmentIdentity, IngressRule, PlannedCall, ProviderPlan } from '../provider/index.js';

/** The instance type a machine would get, and why. */
export interface PlannedInstanceType {
  readonly name: string;
  readonly arch: string;
  readonly cores: number;
  readonly memoryMiB: number;
  /** On-demand US dollars per hour, where the provider knows it. */
  readonly pricePerHour?: number;
  /** `named by instance-type=…`, or the cheapest that meets which constraints. */
  readonly reason: string;
  /** The next cheapest types that would also do (at most two); none when the type was named. */
  readonly alternatives: readonly { readonly name: string; readonly pricePerHour?: number }[];
}

/** One machine of the run, as a real start would be handed it. */
export interface PlannedMachine {
  /** The id it would get (add-machine: the next free ones now; a concurrent run may take them first). */
  readonly machineId: string;
  readonly controller: boolean;
  /** Absent on a provider without an instance-type catalogue. */
  readonly instanceType?: PlannedInstanceType;
  /** The zones a real start would try, in order; empty on a provider without zones. */
  readonly zones: readonly string[];
  readonly placement?: string;
  /** What the provider would do (`planStart`); absent when it has no plan ability. */
  readonly provider?: ProviderPlan;
}

/** The minimal user-data each machine boots with, against the provider's limit. */
export interface UserDataSize {
  /** As the provider gets it: gzip-compressed where it takes gzip. */
  readonly bytes: number;
  readonly limit: number;
  readonly gzip: boolean;
}

/**
 * What `bootstrap` or `addMachines` would do, found with read-only calls only: nothing was
 * created, changed or written to find it.
 */
export interface RunPlan {
  readonly kind: 'bootstrap' | 'add-machine';
  readonly environment: EnvironmentIdentity;
  readonly provider: string;
  /** Where provider-state is kept (a bootstrap creates it there). */
  readonly storage: string;
  /** The constraints every machine is planned with (the environment's merged with the flags'). */
  readonly constraints: Constraints;
  /** The provider's defaults laid over them where they leave a field unset (`arch=amd64 (default)`). */
  readonly defaults: readonly ConstraintDefault[];
  /** `fail-over`: the zones tried in order (bootstrap); `spread`: each machine takes the least populated allowed zone first (add-machine). */
  readonly zoneOrder: 'fail-over' | 'spread';
  readonly machines: readonly PlannedMachine[];
  /** The ports a bootstrap opens to outside sources before the controller starts. */
  readonly expose: readonly IngressRule[];
  readonly userData: UserDataSize;
  /** Bytes of the shell script the cloud-config is run as over SSH; absent without a cloud-config. */
  readonly cloudConfigBytes?: number;
  /** The provider's calls of the real run, in the order of its steps, each purpose once. */
  readonly calls: readonly PlannedCall[];
  /** The permissions the run needs where the provider names them (IAM actions on ec2); empty otherwise. */
  readonly permissions: readonly string[];
  /** Preflight and planning warnings, as the real run would show them. */
  readonly warnings: readonly string[];
  /** The providers' notes, and what the plan could not know. */
  readonly notes: readonly string[];
}
