import { ConfigError, formatProblem, type Problem } from '../../errors/index.js';
import type { PlacementCommand, PlacementFlag, PlacementFlagValues } from '../../provider/index.js';
import type { CommandContext } from '../context.js';
import type { GivenPlacementFlags } from '../placement-options.js';
import type { ResolvedEnvironment } from './resolve-environment.js';

export interface ApplyPlacementFlagsParams {
  readonly context: CommandContext;
  readonly environment: ResolvedEnvironment;
  readonly command: PlacementCommand;
  /** As parsed; absent when none were declared. */
  readonly flags?: GivenPlacementFlags | undefined;
}

export interface AppliedPlacementFlags {
  /** The environment, with the config its provider made of the flags. */
  readonly environment: ResolvedEnvironment;
  /** Placement directives, one machine each; empty when the flags name none. */
  readonly placements: readonly string[];
}

const noFlags: GivenPlacementFlags = { values: {}, takers: new Map(), clashes: new Map() };

/**
 * Hands the placement flags to the provider the environment is on, which turns them into
 * placement directives and config. Bad input is `CONFIG_INVALID` before anything is
 * touched: flags of other providers (naming the providers that take them), a flag given
 * twice that does not repeat, a flag the provider needs for this command, whatever the
 * provider's own `apply` refuses, and a flag of the provider the command could not take.
 */
export async function applyPlacementFlags(params: ApplyPlacementFlagsParams): Promise<AppliedPlacementFlags> {
  const { environment, command } = params;
  const given = params.flags ?? noFlags;
  const provider = environment.provider;
  const declaration = (await params.context.providers.describe(provider)).placementFlags;
  const own = new Map((declaration?.flags ?? []).map((flag) => [flag.name, flag]));
  const clashes = given.clashes.get(provider) ?? [];
  if (clashes.length > 0) {
    const message = (why: string): string => `the ${provider} provider's flag ${why}: environments on it cannot be used until the provider renames it`;
    throw flagError(provider, clashes.map((why) => ({ path: '', message: message(why) })));
  }
  refuseForeignFlags({ environment, own, given });
  const problems = [...repeated(provider, own, given.values), ...missing(command, own, given.values)];
  if (problems.length > 0) throw flagError(provider, problems);
  if (declaration === undefined) return { environment, placements: [] };
  const applied = declaration.apply({ command, config: environment.options, values: given.values });
  if (!applied.ok) throw flagError(provider, applied.problems);
  return { environment: { ...environment, options: applied.config }, placements: applied.placements };
}

function refuseForeignFlags(params: { environment: ResolvedEnvironment; own: ReadonlyMap<string, PlacementFlag>; given: GivenPlacementFlags }): void {
  const { environment, own, given } = params;
  const foreign = Object.keys(given.values).filter((flag) => !own.has(flag));
  if (foreign.length === 0) return;
  const byTakers = new Map<string, string[]>();
  for (const flag of foreign) {
    const takers = (given.takers.get(flag) ?? []).join(' or ');
    byTakers.set(takers, [...(byTakers.get(takers) ?? []), `--${flag}`]);
  }
  const belong = [...byTakers].map(([takers, flags]) => `flags that are for the ${takers} provider (${flags.join(', ')})`).join(' and ');
  const takes = own.size === 0 ? 'takes no provider flags' : `takes ${[...own.keys()].map((flag) => `--${flag}`).join(', ')}`;
  throw new ConfigError(
    `${belong} do not apply to environment "${environment.name}": it is on the ${environment.provider} provider, which ${takes}; drop them, or use an environment on a provider that takes them`,
  );
}

function repeated(provider: string, own: ReadonlyMap<string, PlacementFlag>, values: PlacementFlagValues): Problem[] {
  return [...own.values()].flatMap((flag) => {
    const value = values[flag.name];
    if (flag.repeatable === true || value === undefined || value === true || value.length < 2) return [];
    return [{ path: '', message: `--${flag.name} is given ${String(value.length)} times; the ${provider} provider takes one` }];
  });
}

function missing(command: PlacementCommand, own: ReadonlyMap<string, PlacementFlag>, values: PlacementFlagValues): Problem[] {
  return [...own.values()].flatMap((flag) => {
    const why = flag.required?.[command];
    return why === undefined || values[flag.name] !== undefined ? [] : [{ path: '', message: why }];
  });
}

function flagError(provider: string, problems: readonly Problem[]): ConfigError {
  const [only] = problems;
  if (problems.length === 1 && only !== undefined) return new ConfigError(formatProblem(only));
  return new ConfigError(`the flags for the ${provider} provider have ${String(problems.length)} problems:`, { problems });
}
