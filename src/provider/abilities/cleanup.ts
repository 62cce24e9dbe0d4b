import type { Provider } from '../provider.js';

/** One resource envboot made that `envboot cleanup` judged a leftover. */
export interface Leftover {
  /** What it is, in the provider's terms: `instance`, `volume`, `security-group`, … */
  readonly kind: string;
  readonly id: string;
  /** The owning environment's UUID and, when tagged, its name. */
  readonly environment: { readonly uuid: string; readonly name?: string };
  /** When it was made, where the cloud or a tag says. */
  readonly createdAt?: Date;
  /** Why it is a leftover, in the operator's words (`no provider-state at s3://…`). */
  readonly reason: string;
}

export interface FindLeftoversParams {
  /** The scope of the search, e.g. `{ region: 'eu-west-1' }`; provider-specific keys. */
  readonly scope: Readonly<Record<string, string>>;
  /** Resources older than this count as leftovers whatever their environment's state. */
  readonly olderThanMs?: number;
  /**
   * Resources whose expiry has passed count as leftovers too (an environment bootstrapped
   * with a ttl carries it), with the environment's provider-state once all of its resources
   * go. A resource without an expiry is never one by this rule. A provider that records no
   * expiry finds none.
   */
  readonly expired?: boolean;
  readonly signal?: AbortSignal;
}

export interface FindLeftoversResult {
  readonly leftovers: readonly Leftover[];
  /** Environments whose resources were kept because their state could not be judged, each with why. */
  readonly undecided: readonly { readonly environment: string; readonly reason: string }[];
}

export interface RemoveLeftoversParams {
  readonly scope: Readonly<Record<string, string>>;
  readonly leftovers: readonly Leftover[];
  readonly signal?: AbortSignal;
}

export interface RemoveLeftoversResult {
  readonly removed: readonly string[];
  readonly failures: readonly { readonly resource: string; readonly error: Error }[];
}

/**
 * The cleanup ability of a provider: finding, across a whole account or region, every
 * resource envboot tagged whose environment no longer exists (its provider-state is gone,
 * or belongs to a newer environment of the same name), that is older than a cutoff, or
 * whose expiry has passed, and removing them. Used after crashes and lost records, and by
 * CI accounts. A resource whose environment cannot be judged (its state unreadable) is a
 * leftover only by age or by its own expiry, when asked for; otherwise it is kept and its
 * environment reported as undecided.
 */
export interface CleanupProvider<Config = unknown> extends Provider<Config> {
  /** Read-only. */
  findLeftovers(params: FindLeftoversParams): Promise<FindLeftoversResult>;
  /** Best-effort and idempotent: gone is success; every failure is listed. */
  removeLeftovers(params: RemoveLeftoversParams): Promise<RemoveLeftoversResult>;
}

export function canCleanUp(provider: Provider): provider is CleanupProvider {
  const candidate = provider as Partial<CleanupProvider>;
  return typeof candidate.findLeftovers === 'function' && typeof candidate.removeLeftovers === 'function';
}
