import { Option, type Command } from 'commander';
// The module itself, not the provider index: the program is built (for --help too) without loading the library.
import { placementFlagHelp, type PlacementCommand, type PlacementFlag, type PlacementFlagValues } from '../provider/placement-flags.js';
import type { ProviderInfo } from '../provider/provider-descriptor.js';

/** A provider whose placement flags a command takes, by the name environments.yaml gives it. */
export interface NamedProvider {
  readonly name: string;
  readonly info: ProviderInfo;
}

/** The placement flags given to a command and who takes each: what `applyPlacementFlags` needs. */
export interface GivenPlacementFlags {
  readonly values: PlacementFlagValues;
  /** The providers that take each flag the command declared, by flag name. */
  readonly takers: ReadonlyMap<string, readonly string[]>;
  /** By provider: why the command could not declare some of its flags (another option has the name). */
  readonly clashes: ReadonlyMap<string, readonly string[]>;
}

/** The provider flags of one command (bootstrap, add-machine), declared once the providers are known. */
export interface PlacementOptions {
  readonly command: Command;
  /** Declares the flags of `providers` not declared yet; they are listed in help under "Provider flags:". */
  declare(providers: readonly NamedProvider[]): void;
  /** The provider flags given on the command line, once it is parsed. */
  given(): GivenPlacementFlags;
}

interface Declared {
  readonly flag: PlacementFlag;
  readonly option: Option;
  readonly takers: { readonly provider: string; readonly help: string }[];
}

/**
 * Declares providers' placement flags on `command` generically: `--NAME <VALUE>` or a
 * switch, every value kept (a flag that does not repeat is refused later, by name), help
 * saying which provider takes it. A flag several providers declare alike is one option
 * taken by each; one whose name another option of the command already has, or that
 * another provider declares with a value where it is a switch, is not declared and is
 * recorded as a clash of its provider.
 *
 * @example
 * const flags = placementOptions(bootstrapCommand, 'bootstrap');
 * flags.declare([{ name: 'manual', info: manualDescriptor }]); // --host, --identity, …
 */
export function placementOptions(command: Command, name: PlacementCommand): PlacementOptions {
  const declared = new Map<string, Declared>();
  const clashes = new Map<string, string[]>();
  const providers = new Set<string>();
  const clash = (provider: string, why: string): void => {
    clashes.set(provider, [...(clashes.get(provider) ?? []), why]);
  };
  const declareFlag = (provider: string, flag: PlacementFlag): void => {
    const help = placementFlagHelp(flag, name);
    const earlier = declared.get(flag.name);
    if (earlier !== undefined) {
      if ((earlier.flag.value === undefined) !== (flag.value === undefined)) {
        const other = earlier.takers.map((t) => t.provider).join(', ');
        clash(provider, `--${flag.name} ${flag.value === undefined ? 'is a switch, which takes a value' : 'takes a value, which is a switch'} for the ${other} provider`);
        return;
      }
      earlier.takers.push({ provider, help });
      earlier.option.description = describe(earlier.takers);
      return;
    }
    if (flag.name === 'help' || [command, ...ancestors(command)].some((c) => c.options.some((o) => o.long === `--${flag.name}`))) {
      clash(provider, `--${flag.name} is already an option of "envboot ${command.name()}"`);
      return;
    }
    const takers = [{ provider, help }];
    const option = new Option(flag.value === undefined ? `--${flag.name}` : `--${flag.name} <${flag.value}>`, describe(takers)).helpGroup('Provider flags:');
    if (flag.value !== undefined) option.argParser((value: string, previous: string[] | undefined) => [...(previous ?? []), value]);
    command.addOption(option);
    declared.set(flag.name, { flag, option, takers });
  };
  return {
    command,
    declare: (named) => {
      for (const provider of named) {
        if (providers.has(provider.name)) continue;
        providers.add(provider.name);
        for (const flag of provider.info.placementFlags?.flags ?? []) declareFlag(provider.name, flag);
      }
    },
    given: () => {
      const values: Record<string, readonly string[] | true> = {};
      for (const [flag, { option }] of declared) {
        const value: unknown = command.getOptionValue(option.attributeName());
        if (value === true || Array.isArray(value)) values[flag] = value as readonly string[] | true;
      }
      const takers = new Map([...declared].map(([flag, entry]) => [flag, entry.takers.map((t) => t.provider)]));
      return { values, takers, clashes };
    },
  };
}

function describe(takers: readonly { readonly provider: string; readonly help: string }[]): string {
  return takers.map((t) => `${t.provider} provider: ${t.help}`).join('; ');
}

function ancestors(command: Command): Command[] {
  return command.parent === null ? [] : [command.parent, ...ancestors(command.parent)];
}
