/** Backing off while EC2's answers catch up with a change (eventual consistency). */
export interface ConsistencyRetry {
  readonly firstMs: number;
  readonly maxMs: number;
  readonly totalMs: number;
}

/** Waiting knobs; tests shrink them, the defaults suit AWS. */
export interface Ec2Timing {
  /** Polls while waiting for instances to terminate. */
  readonly terminatePollMs: { readonly first: number; readonly max: number };
  /** Retrying a security group EC2 still calls in use. */
  readonly dependencyRetry: { readonly firstMs: number; readonly maxMs: number; readonly totalMs: number };
  /** How long one listing of the environment's instances answers every machine's refresh. */
  readonly listingMaxAgeMs: number;
  /** Waiting for EC2's answers to show a change made a moment ago (a new security group). */
  readonly consistencyRetry: ConsistencyRetry;
  /** Waiting for an instance profile IAM has made to be usable in EC2 (up to about a minute on AWS); default 90 s. */
  readonly iamPropagationRetry?: ConsistencyRetry;
}

export const defaultEc2Timing: Required<Ec2Timing> = {
  terminatePollMs: { first: 2_000, max: 10_000 },
  dependencyRetry: { firstMs: 2_000, maxMs: 15_000, totalMs: 180_000 },
  listingMaxAgeMs: 1_000,
  consistencyRetry: { firstMs: 500, maxMs: 4_000, totalMs: 15_000 },
  iamPropagationRetry: { firstMs: 2_000, maxMs: 10_000, totalMs: 90_000 },
};
