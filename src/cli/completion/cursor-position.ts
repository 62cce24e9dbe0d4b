import type { Argument, Command, Option } from 'commander';

/**
 * Where on an `envboot` command line the cursor is, read through the commander program
 * the way commander itself would parse the words before it:
 * - `command`: the word names a command (`envboot st|`);
 * - `option`: the word is a flag (`envboot bootstrap --dr|`);
 * - `option-value`: the word is a flag's value (`--config |`, `--config=|`);
 * - `argument`: the word is the command's positional argument `argument` (undefined when
 *   the command takes no more), `positionals` those given before it;
 * - `unknown`: the words name no command, so nothing can be said.
 */
export type CursorPosition =
  | { readonly kind: 'command'; readonly word: string; readonly line: LineValues }
  | { readonly kind: 'option'; readonly command: Command; readonly word: string; readonly line: LineValues }
  | { readonly kind: 'option-value'; readonly command: Command; readonly option: Option; readonly word: string; readonly line: LineValues }
  | {
      readonly kind: 'argument';
      readonly command: Command;
      readonly argument: Argument | undefined;
      readonly word: string;
      readonly line: LineValues;
    }
  | { readonly kind: 'unknown' };

/** What the words before the cursor gave: positional arguments in order, and option values by option. */
export interface LineValues {
  readonly positionals: readonly string[];
  readonly options: ReadonlyMap<Option, string>;
  /** The flags given, for not offering a switch twice. */
  readonly flags: ReadonlySet<Option>;
}

export interface CursorPositionParams {
  readonly program: Command;
  /** The words up to and including the one under the cursor; the first is the command's own name. */
  readonly words: readonly string[];
}

/**
 * Reads `words` as commander parses them: program options before and after the command
 * name, a flag's value in the next word unless it is attached (`--config=x`, `-n3`), `--`
 * ending the flags, the last positional argument taking the rest when it is variadic.
 *
 * @example
 * cursorPosition({ program, words: ['envboot', 'exec', 'demo', ''] });
 * // { kind: 'argument', argument: <machine>, line: { positionals: ['demo'], … }, … }
 */
export function cursorPosition(params: CursorPositionParams): CursorPosition {
  const { program } = params;
  const before = params.words.slice(1, -1);
  const word = params.words.at(-1) ?? '';
  let command = program;
  let flagsEnded = false;
  const positionals: string[] = [];
  const options = new Map<Option, string>();
  const flags = new Set<Option>();
  const line: LineValues = { positionals, options, flags };
  for (let i = 0; i < before.length; i += 1) {
    const current = before[i] ?? '';
    if (!flagsEnded && current === '--') {
      flagsEnded = true;
      continue;
    }
    if (!flagsEnded && isFlag(current)) {
      const { option, attached } = findOption(command, current);
      if (option === undefined) continue;
      flags.add(option);
      if (attached !== undefined) options.set(option, attached);
      // An optional value (`[x]`) is taken from the next word unless it is a flag, as commander does.
      else if (option.required || (option.optional && !isFlag(before[i + 1] ?? word))) {
        if (i + 1 === before.length) return { kind: 'option-value', command, option, word, line };
        i += 1;
        options.set(option, before[i] ?? '');
      }
      continue;
    }
    if (command === program) {
      const chosen = findCommand(program, current);
      if (chosen === undefined) return { kind: 'unknown' };
      command = chosen;
      continue;
    }
    positionals.push(current);
  }
  if (!flagsEnded && word.startsWith('--') && word.includes('=')) {
    const { option, attached } = findOption(command, word);
    if (option === undefined || attached === undefined || !takesValue(option)) return { kind: 'unknown' };
    return { kind: 'option-value', command, option, word: attached, line };
  }
  if (!flagsEnded && word.startsWith('-')) return { kind: 'option', command, word, line };
  if (command === program) return { kind: 'command', word, line };
  return { kind: 'argument', command, argument: argumentAt(command, positionals.length), word, line };
}

/** The command a word names, by name or alias; hidden ones too (commander runs them). */
export function findCommand(program: Command, name: string): Command | undefined {
  return program.commands.find((c) => c.name() === name || c.aliases().includes(name));
}

/** The options a word may be of `command`: its own, then its ancestors' (commander reads program options after the command too). */
export function optionsInScope(command: Command): Option[] {
  const scope: Option[] = [];
  for (let c: Command | null = command; c !== null; c = c.parent) scope.push(...c.options);
  return scope;
}

function findOption(command: Command, word: string): { option: Option | undefined; attached: string | undefined } {
  const scope = optionsInScope(command);
  if (word.startsWith('--')) {
    const equals = word.indexOf('=');
    const name = equals === -1 ? word : word.slice(0, equals);
    return { option: scope.find((o) => o.long === name), attached: equals === -1 ? undefined : word.slice(equals + 1) };
  }
  // `-n3`: a short flag with its value attached; `-fy`, switches run together, tell nothing.
  const option = scope.find((o) => o.short === word.slice(0, 2));
  if (option === undefined) return { option: undefined, attached: undefined };
  if (word.length === 2) return { option, attached: undefined };
  return takesValue(option) ? { option, attached: word.slice(2) } : { option: undefined, attached: undefined };
}

function argumentAt(command: Command, index: number): Argument | undefined {
  const declared = command.registeredArguments;
  const last = declared.at(-1);
  if (index < declared.length) return declared[index];
  return last?.variadic === true ? last : undefined;
}

function takesValue(option: Option): boolean {
  return option.required || option.optional;
}

function isFlag(word: string): boolean {
  return word.startsWith('-') && word !== '-';
}
