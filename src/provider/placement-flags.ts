import type { Problem } from '../errors/index.js';

/** The commands that place machines, and so take a provider's placement flags. */
export type PlacementCommand = 'bootstrap' | 'add-machine';

/**
 * One command-line flag a provider takes on `bootstrap` and `add-machine`: where its
 * machines go (the manual provider's `--host user@host`) or how to reach them
 * (`--identity FILE`). The CLI declares it for the provider, shows it in help under the
 * provider's name and refuses it on an environment of another provider.
 *
 * @example
 * const host: PlacementFlag = {
 *   name: 'host', value: 'user@host[:port]', repeatable: true,
 *   help: { bootstrap: 'the existing host to make the controller', 'add-machine': 'an existing host to enrol' },
 *   required: { bootstrap: 'the manual provider bootstraps onto an existing host: name it with --host user@host[:port]' },
 * };
 */
export interface PlacementFlag {
  /** The long flag without its dashes (`host` is `--host`): lower-case letters, digits and dashes. */
  readonly name: string;
  /** What the value looks like, for help (`user@host[:port]`); absent, the flag is a switch. */
  readonly value?: string | undefined;
  /** One line of help; per command where it reads differently there. */
  readonly help: string | Readonly<Record<PlacementCommand, string>>;
  /** May be given more than once (every value is kept, in order); otherwise a second one is refused. */
  readonly repeatable?: boolean | undefined;
  /**
   * The commands that cannot run without this flag, each with the sentence an operator
   * reads when it is missing: what the provider needs it for and how to give it.
   */
  readonly required?: Partial<Readonly<Record<PlacementCommand, string>>> | undefined;
}

/** Flags as given on the command line, by name: a valued flag's values in order, `true` for a switch. */
export type PlacementFlagValues = Readonly<Record<string, readonly string[] | true>>;

export interface ApplyPlacementFlagsParams<Config> {
  readonly command: PlacementCommand;
  /** The environment's validated config, which flags may override (`--identity` over `identity-file`). */
  readonly config: Config;
  /** This provider's flags that were given, and no others; a flag that does not repeat has one value. */
  readonly values: PlacementFlagValues;
}

export type ApplyPlacementFlagsResult<Config> =
  | {
      readonly ok: true;
      /** The config to open the environment with. */
      readonly config: Config;
      /** Placement directives, one machine each (`StartInstanceParams.placement`); empty when the flags name none. */
      readonly placements: readonly string[];
    }
  | { readonly ok: false; readonly problems: readonly Problem[] };

/**
 * The placement flags a provider takes, and what they become. Declared on the provider
 * (and its descriptor), so that a program can list and parse them without knowing the
 * provider: `envboot bootstrap ENV --host …` reaches `apply` of whichever provider ENV is on.
 */
export interface PlacementFlags<Config = unknown> {
  readonly flags: readonly PlacementFlag[];
  /**
   * Turns the given flags into placement directives and config. Pure and synchronous,
   * like `validateConfig`, and reports every problem at once, each message naming its
   * flag. Called for an environment on this provider only, once flags of other providers,
   * repeats and missing required flags have been refused.
   */
  apply(params: ApplyPlacementFlagsParams<Config>): ApplyPlacementFlagsResult<Config>;
}

const flagName = /^[a-z][a-z0-9-]{0,39}$/;

/**
 * What is wrong with a provider's `placementFlags` declaration, one entry per mistake;
 * empty when it is well formed (or absent). For checking providers from elsewhere.
 */
export function placementFlagsGaps(declared: unknown): string[] {
  if (declared === undefined) return [];
  if (declared === null || typeof declared !== 'object') return ['"placementFlags" must be an object with "flags" and "apply"'];
  const { flags, apply } = declared as { readonly flags?: unknown; readonly apply?: unknown };
  const gaps: string[] = typeof apply === 'function' ? [] : ['"placementFlags.apply" must be a function'];
  if (!Array.isArray(flags)) return [...gaps, '"placementFlags.flags" must be a list'];
  const seen = new Set<string>();
  (flags as unknown[]).forEach((flag, index) => {
    const at = `"placementFlags.flags[${index}]`;
    if (flag === null || typeof flag !== 'object') {
      gaps.push(`${at}" must be an object`);
      return;
    }
    const { name, value, help } = flag as { readonly name?: unknown; readonly value?: unknown; readonly help?: unknown };
    if (typeof name !== 'string' || !flagName.test(name)) gaps.push(`${at}.name" must be lower-case letters, digits and dashes, starting with a letter`);
    else if (name.startsWith('no-')) gaps.push(`${at}.name" must not start with "no-" (--no-X negates --X)`);
    else if (seen.has(name)) gaps.push(`${at}.name" repeats --${name}`);
    else seen.add(name);
    if (value !== undefined && (typeof value !== 'string' || value === '')) gaps.push(`${at}.value" must be a string such as "file"`);
    if (!isHelp(help)) gaps.push(`${at}.help" must be a string, or one per command (bootstrap, add-machine)`);
  });
  return gaps;
}

function isHelp(help: unknown): boolean {
  if (typeof help === 'string') return help !== '';
  const perCommand = help as Record<string, unknown> | null | undefined;
  return typeof perCommand === 'object' && perCommand !== null && typeof perCommand['bootstrap'] === 'string' && typeof perCommand['add-machine'] === 'string';
}

/** The flag's help on `command`. */
export function placementFlagHelp(flag: PlacementFlag, command: PlacementCommand): string {
  return typeof flag.help === 'string' ? flag.help : flag.help[command];
}
