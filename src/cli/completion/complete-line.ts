import { type Command, type Option } from 'commander';
import { resolvePaths, type EnvbootPaths } from '../config/paths.js';
import type { Candidate, CompletionReply } from './candidate.js';
import { cursorPosition, optionsInScope, type CursorPosition, type LineValues } from './cursor-position.js';
import { argumentKind, optionValueKind, type ValueKind } from './value-kinds.js';

export interface CompleteLineParams {
  /** The `envboot` program, as the command line is parsed with it. */
  readonly program: Command;
  /** The words up to and including the one under the cursor, the command's own name first. */
  readonly words: readonly string[];
  /** The process environment (`ENVBOOT_HOME`, `XDG_*`, `HOME`): where the local records are. */
  readonly env: NodeJS.ProcessEnv;
  readonly cwd?: string | undefined;
}

/** The commands that take the providers' placement flags (see `placementOptions`). */
const placementCommands = ['bootstrap', 'add-machine'] as const;

/**
 * What completes the word under the cursor: the commands and their aliases, a command's
 * flags (the program's own too), or a value from the program's definition (see
 * `ValueKind`): environment names and machine ids from this client's local files, file
 * names left to the shell. Reads local files only: no provider, network, SSH or lock.
 *
 * @example
 * await completeLine({ program, words: ['envboot', 'st'], env: process.env });
 * // { kind: 'words', candidates: [{ value: 'status', … }, …] }: the shell keeps those starting "st"
 */
export async function completeLine(params: CompleteLineParams): Promise<CompletionReply> {
  const words = joinFlagValues(params.words.length === 0 ? ['envboot', ''] : params.words);
  let position = cursorPosition({ program: params.program, words });
  if (await declaredProviderFlags(position, words)) position = cursorPosition({ program: params.program, words });
  const values = (kind: ValueKind, line: LineValues, command: Command): Promise<CompletionReply> =>
    valueCandidates({ kind, line, command, program: params.program, env: params.env, cwd: params.cwd });
  switch (position.kind) {
    case 'unknown':
      return { kind: 'words', candidates: [] };
    case 'command':
      return { kind: 'words', candidates: commandCandidates(params.program) };
    case 'option':
      return { kind: 'words', candidates: flagCandidates(position.command, position.line, position.word) };
    case 'option-value':
      return values(optionValueKind(position.option), position.line, position.command);
    case 'argument':
      // A command that takes no more arguments can still take flags.
      if (position.argument === undefined) return { kind: 'words', candidates: flagCandidates(position.command, position.line, '--') };
      return values(argumentKind(position.argument), position.line, position.command);
  }
}

/**
 * bash splits `--config=x` into `--config`, `=`, `x` (`=` is in COMP_WORDBREAKS): the
 * words are joined again, so the flag's value is seen as commander sees it.
 */
function joinFlagValues(words: readonly string[]): string[] {
  const joined: string[] = [];
  for (let i = 0; i < words.length; i += 1) {
    const word = words[i] ?? '';
    const previous = joined.at(-1);
    if (word === '=' && previous?.startsWith('--') === true && !previous.includes('=')) {
      joined[joined.length - 1] = `${previous}=${words[i + 1] ?? ''}`;
      i += 1;
    } else {
      joined.push(word);
    }
  }
  return joined;
}

/**
 * Declares the built-in providers' placement flags (`--host`, `--identity <file>`, …) on
 * bootstrap and add-machine when the line has flags, as running the command would; third-
 * party providers are left out: loading them would run their code on every Tab.
 */
async function declaredProviderFlags(position: CursorPosition, words: readonly string[]): Promise<boolean> {
  if (position.kind === 'unknown' || position.kind === 'command') return false;
  const name = position.command.name();
  if (!placementCommands.some((c) => c === name)) return false;
  if (!words.slice(words.indexOf(name) + 1).some((word) => word.startsWith('-'))) return false;
  const [{ builtinProviders }, { placementOptions }] = await Promise.all([import('../builtin-providers.js'), import('../placement-options.js')]);
  placementOptions(position.command, name as (typeof placementCommands)[number]).declare(builtinProviders.map((info) => ({ name: info.name, info })));
  return true;
}

function commandCandidates(program: Command): Candidate[] {
  return program.createHelp().visibleCommands(program).flatMap((command) =>
    [command.name(), ...command.aliases()].map((value) => ({ value, description: command.summary() || command.description() })),
  );
}

/**
 * The flags of `command` and the program's own (but --version, which only the program
 * takes alone): long forms, and short ones too when the word is a single dash. A switch
 * already given is not offered again.
 */
function flagCandidates(command: Command, line: LineValues, word: string): Candidate[] {
  const help = command.createHelp();
  const own = help.visibleOptions(command);
  const inherited = optionsInScope(command).filter((o) => !own.includes(o) && !o.hidden && o.long !== '--version');
  const offered = [...own, ...inherited].filter((o) => !(line.flags.has(o) && !o.required && !o.optional));
  return offered.flatMap((option: Option) => {
    const forms = word.startsWith('--') ? [option.long] : [option.long, option.short];
    return forms.filter((form) => form !== undefined).map((value) => ({ value, description: option.description }));
  });
}

interface ValueCandidatesParams {
  readonly kind: ValueKind;
  readonly line: LineValues;
  readonly command: Command;
  readonly program: Command;
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string | undefined;
}

async function valueCandidates(params: ValueCandidatesParams): Promise<CompletionReply> {
  const { kind, line } = params;
  const words = (candidates: readonly Candidate[]): CompletionReply => ({ kind: 'words', candidates });
  switch (kind.kind) {
    case 'choices':
      return words(kind.values.map((value) => ({ value })));
    case 'files':
    case 'dirs':
      return { kind: kind.kind };
    case 'commands':
      return words(commandCandidates(params.program));
    case 'providers': {
      const { builtinProviders } = await import('../builtin-providers.js');
      return words(builtinProviders.map((provider) => ({ value: provider.name, description: provider.description })));
    }
    case 'environments': {
      const paths = localPaths(params);
      if (paths === undefined) return words([]);
      const { environmentCandidates } = await import('./local-names.js');
      return words(await environmentCandidates(paths));
    }
    case 'machines': {
      const paths = localPaths(params);
      const environment = environmentOnLine(params.command, line);
      if (paths === undefined || environment === undefined) return words([]);
      const { machineCandidates } = await import('./local-names.js');
      // A list of machine ids (remove-machine 1 2 …) does not offer one twice.
      return words((await machineCandidates(paths, environment)).filter((machine) => !line.positionals.includes(machine.value)));
    }
    case 'none':
      return words([]);
  }
}

/** The environment the line names: the value of the command's environment argument. */
function environmentOnLine(command: Command, line: LineValues): string | undefined {
  const index = command.registeredArguments.findIndex((argument) => argumentKind(argument).kind === 'environments');
  return index === -1 ? undefined : line.positionals[index];
}

/** Where this client's files are, with the line's `--config`; undefined when they cannot be said. */
function localPaths(params: ValueCandidatesParams): EnvbootPaths | undefined {
  const config = params.program.options.find((option) => option.long === '--config');
  const configFile = config === undefined ? undefined : params.line.options.get(config);
  try {
    return resolvePaths({ env: params.env, configFile, cwd: params.cwd });
  } catch {
    return undefined;
  }
}
