import type { Constraints } from '../constraints.js';
import type { Environ } from '../environ.js';
import { implementsAbility } from './ability-methods.js';
import type { IngressRule } from './firewall.js';

/** What common code decided for one machine of a planned run: the same decision a real start is handed. */
export interface PlanStartParams {
  /** envboot's machine id the machine would get (`0` for the controller). */
  readonly machineId: string;
  readonly controller: boolean;
  /**
   * A bootstrap: provider-state is claimed and the shared resources prepared (and the
   * `expose` ports opened) before the start; otherwise an add-machine into an environment
   * that has them.
   */
  readonly bootstrap: boolean;
  readonly constraints: Constraints;
  /** The instance type, when chosen from the catalogue. */
  readonly instanceType?: string | undefined;
  /** The zones, in the order a real start would try them; empty on a provider without zones. */
  readonly zones: readonly string[];
  /** The placement directive (the manual provider's host). */
  readonly placement?: string | undefined;
  /** Ports a bootstrap opens to outside sources before the start (the firewall ability). */
  readonly expose?: readonly IngressRule[] | undefined;
  readonly signal?: AbortSignal | undefined;
}

/** The image a machine would boot. */
export interface PlannedImage {
  readonly id: string;
  /** Its name or description, as the cloud lists it. */
  readonly description?: string;
  /** How it was found: `configured (image)`, `newest Ubuntu LTS for amd64 (Canonical's images)`, … */
  readonly source: string;
}

/** Where a machine's network interface would go. */
export interface PlannedNetwork {
  /** One line: `default VPC (EC2 picks each zone's default subnet)`, `user networking, SSH forwarded from 127.0.0.1`, … */
  readonly description: string;
  /** The subnet each zone's start would use, in the zones' order; absent where the cloud chooses. */
  readonly subnets?: readonly { readonly zone: string; readonly subnet: string }[];
}

/** A shared resource a real run would create, or find and reuse. */
export interface PlannedResource {
  /** `security-group`, `bucket`, `agent`, `host`, … */
  readonly kind: string;
  readonly name: string;
  readonly action: 'create' | 'reuse';
  readonly detail?: string;
}

/** The step of a real run a call belongs to, in the order the steps run. */
export type PlanStep =
  | 'preflight'
  | 'claim'
  | 'prepare'
  | 'open-ports'
  | 'reserve-ids'
  | 'start-instance'
  | 'record-state'
  | 'wait-ssh'
  | 'complete';

/** One call a real run would make to the provider's cloud (or its storage). */
export interface PlannedCall {
  readonly step: PlanStep;
  /** The cloud's name for it, as its permission system names it where it has one: `ec2:RunInstances`, `s3:PutObject`. */
  readonly action: string;
  /** What it is for, in a few words. */
  readonly purpose: string;
  /** Whether it creates or changes something. */
  readonly writes: boolean;
}

/** What a provider would do to start one machine, found with read-only calls. */
export interface ProviderPlan {
  readonly image?: PlannedImage;
  readonly network?: PlannedNetwork;
  readonly resources: readonly PlannedResource[];
  /** Every call of the real run on this provider, in order (each at every step that makes it). */
  readonly calls: readonly PlannedCall[];
  /**
   * The permissions those calls need where the cloud's permission system names more than
   * the calls themselves (EC2's `ec2:CreateTags` for tagging at creation); absent when
   * the calls are all there is to allow.
   */
  readonly permissions?: readonly string[];
  /** Anything else the operator should know before the real run. */
  readonly notes: readonly string[];
}

/**
 * The plan ability: an Environ that can say, before anything exists, what starting a
 * machine would do on its cloud: the image, the network, the shared resources it would
 * create or reuse, and the calls it would make (`envboot bootstrap --dry-run`, which
 * prints them as the permissions a run needs).
 */
export interface PlanningEnviron extends Environ {
  /**
   * Plans the start common code decided (`params`), with read-only calls only (describe,
   * list, get, head): never creates, changes, tags or deletes anything, writes no file, and
   * starts no process. Finds the image, subnets and shared resources the way the real start
   * does (the same lookups, not copies of them), so that what it reports is what the start
   * would use. Fails as the real start would on what a start cannot get past (a configured
   * image that does not exist: `CONFIG_INVALID`); provider errors are translated as in
   * every Environ method.
   */
  planStart(params: PlanStartParams): Promise<ProviderPlan>;
}

/** True when the Environ can plan a start (see `PlanningEnviron`). */
export function canPlan(environ: Environ): environ is PlanningEnviron {
  return implementsAbility(environ, 'plan');
}
