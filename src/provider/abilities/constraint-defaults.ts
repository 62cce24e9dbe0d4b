import type { Problem } from '../../errors/index.js';
import type { Constraints } from '../constraints.js';
import type { Environ } from '../environ.js';
import { formatConstraints } from '../parse-constraints.js';
import { implementsAbility } from './ability-methods.js';

/** The constraint fields a provider may give a default for. */
export type DefaultedConstraint = 'arch' | 'cores' | 'memoryMiB' | 'rootDiskMiB';

/** One default: a value for a field the operator left unset, and why it is there. */
export type ConstraintDefault = {
  [F in DefaultedConstraint]: {
    readonly field: F;
    readonly value: NonNullable<Constraints[F]>;
    /** For the operator, in parentheses after the value: `default`, `controller default`, `the image's architecture`. */
    readonly why: string;
  };
}[DefaultedConstraint];

export interface ConstraintDefaultsParams {
  /** Machine 0, the controller: a provider may give it more (a memory floor). */
  readonly controller: boolean;
  /** The operator's constraints (the environment's merged with the command's), before any default. */
  readonly constraints: Constraints;
  readonly signal?: AbortSignal | undefined;
}

/** A provider's word on a machine's constraints before common code chooses its instance type. */
export interface ConstraintDefaults {
  /**
   * Values for fields the operator may leave unset. Common code applies each only where
   * the constraints set neither its field nor `instance-type` (a named type says its own
   * architecture and size), and says so in plans and status: `arch=amd64 (default)`.
   */
  readonly defaults: readonly ConstraintDefault[];
  /**
   * What the provider refuses in these constraints before anything is created, each naming
   * the constraint, what conflicts with it and what to do (ec2: an architecture its
   * configured image does not have). Reported with the planner's own problems, exit 2.
   */
  readonly problems: readonly Problem[];
}

/**
 * The constraint-defaults ability: a provider whose cheapest machine is rarely what an
 * operator meant (ec2's cheapest type is a 0.5 GiB arm64) fills in defaults, which the
 * planner applies for bootstrap and add-machine alike, before the type choice, so that
 * the plan, the start and `status` agree.
 */
export interface ConstraintDefaultsEnviron extends Environ {
  /**
   * The defaults for one machine, and the problems the provider sees in its constraints.
   * Read-only and creates nothing; it may look up what the defaults depend on (ec2 finds its
   * configured image here, memoised, so that a missing one is refused before anything is
   * created). Fails with `CONFIG_INVALID` for bad config it finds.
   */
  constraintDefaults(params: ConstraintDefaultsParams): Promise<ConstraintDefaults>;
}

/** True when the Environ fills in constraint defaults. */
export function hasConstraintDefaults(environ: Environ): environ is ConstraintDefaultsEnviron {
  return implementsAbility(environ, 'constraint-defaults');
}

/** The constraints with their defaults, and the defaults that were applied. */
export interface DefaultedConstraints {
  readonly constraints: Constraints;
  readonly applied: readonly ConstraintDefault[];
}

/**
 * `constraints` with each default whose field they leave unset; none when they name an
 * instance type, which says its own architecture and size.
 *
 * @example
 * applyConstraintDefaults({ cores: 2 }, [{ field: 'arch', value: 'amd64', why: 'default' }, { field: 'memoryMiB', value: 2048, why: 'controller default' }]);
 * // { constraints: { cores: 2, arch: 'amd64', memoryMiB: 2048 }, applied: [both] }
 */
export function applyConstraintDefaults(constraints: Constraints, defaults: readonly ConstraintDefault[]): DefaultedConstraints {
  if (constraints.instanceType !== undefined) return { constraints, applied: [] };
  const applied = defaults.filter((d, index) => constraints[d.field] === undefined && defaults.findIndex((other) => other.field === d.field) === index);
  return { constraints: { ...constraints, ...Object.fromEntries(applied.map((d) => [d.field, d.value])) }, applied };
}

/** `arch=amd64 (default)`, `mem≥2G (controller default)`: a lower bound is shown as one. */
export function formatConstraintDefault(d: ConstraintDefault): string {
  const word = formatConstraints({ [d.field]: d.value });
  return `${d.field === 'arch' ? word : word.replace('=', '≥')} (${d.why})`;
}
