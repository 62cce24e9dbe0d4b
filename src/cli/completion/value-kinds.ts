import type { Argument, Option } from 'commander';

/**
 * What a command-line value is, and so what completes it. Decided from the program's
 * definition alone, by how arguments and option values are named, so that a command
 * added later completes without a change here:
 *
 * | named (argument `<x>`, or option `--flag <x>`) | completes with |
 * | --- | --- |
 * | declared `.choices()` | the choices |
 * | `env`, `environment` | environment names |
 * | `machine`, `id` (and their plurals, `...`) | the machine ids of the line's environment |
 * | `file`, `path`, or with one of them as a part (`key-file`, `key|file`) | file names |
 * | `dir`, `directory` | directory names |
 * | the argument `command` (not variadic: `help [command]`) | command names |
 * | the value of `--provider` | provider names |
 * | any other whose help mentions a file ("the key line, or a .pub file") | file names |
 * | anything else (ports, durations, constraints, a remote command) | nothing |
 */
export type ValueKind =
  | { readonly kind: 'choices'; readonly values: readonly string[] }
  | { readonly kind: 'environments' | 'machines' | 'files' | 'dirs' | 'commands' | 'providers' | 'none' };

/** What completes the positional argument `argument`. */
export function argumentKind(argument: Argument): ValueKind {
  if (argument.argChoices !== undefined) return { kind: 'choices', values: argument.argChoices };
  const name = argument.name().toLowerCase();
  if (name === 'command') return { kind: argument.variadic ? 'none' : 'commands' };
  return orFile(kindOfName(name), argument.description);
}

/** What completes the value of `option` (one that takes a value). */
export function optionValueKind(option: Option): ValueKind {
  if (option.argChoices !== undefined) return { kind: 'choices', values: option.argChoices };
  if (option.long === '--provider') return { kind: 'providers' };
  const placeholder = /[<[]([^>\]]+)[>\]]/.exec(option.flags)?.[1];
  return placeholder === undefined ? { kind: 'none' } : orFile(kindOfName(placeholder.toLowerCase()), option.description);
}

/** A value the name says nothing of, but whose help says it may be a file ("a key line, or a .pub file"), completes file names. */
function orFile(kind: ValueKind, description: string): ValueKind {
  return kind.kind === 'none' && /\bfiles?\b/i.test(description) ? { kind: 'files' } : kind;
}

function kindOfName(name: string): ValueKind {
  const bare = name.replace(/\.\.\.$/, '');
  if (/^env(ironment)?s?$/.test(bare)) return { kind: 'environments' };
  if (/^(machine|id)s?$/.test(bare) || /^machine-ids?$/.test(bare)) return { kind: 'machines' };
  if (/^(dir|directory)s?$/.test(bare)) return { kind: 'dirs' };
  if (/(^|[-_|])(file|path)s?($|[-_|])/.test(bare)) return { kind: 'files' };
  return { kind: 'none' };
}
