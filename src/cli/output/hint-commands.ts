import { commandName } from '../invocation-name.js';

/** Rewrites the commands a message suggests so that they run this envboot (see `invocationName`). */
export type HintNamer = (text: string) => string;

export interface HintNamerParams {
  /** How this envboot is run again: `envboot`, or e.g. `/home/me/envboot/bin/envboot`. */
  readonly programName: string;
  /** The command's subcommands (`status`, `destroy`, …): only `envboot <one of them>` is a suggested command. */
  readonly commands: readonly string[];
}

/**
 * Messages everywhere (the CLI's "Next:" lines, library errors such as "run envboot
 * destroy demo") suggest commands as `envboot <command> …`. When `envboot` on the PATH is
 * not this install, each such suggestion is rewritten to the way this one was run, so it
 * works as printed. Prose ("envboot keeps no machine's cloud-config") and paths that end
 * in `envboot` are left alone: only the word `envboot` followed by one of the commands
 * (or `--help`) is a suggestion.
 *
 * @example
 * hintNamer({ programName: './bin/envboot', commands: ['status'] })('Next: envboot status demo');
 * // 'Next: ./bin/envboot status demo'
 */
export function hintNamer(params: HintNamerParams): HintNamer {
  if (params.programName === commandName || params.commands.length === 0) return (text) => text;
  const words = [...params.commands].sort((a, b) => b.length - a.length).map(escapeRegExp).join('|');
  const suggestion = new RegExp(`(?<![\\w./@-])${commandName}(?= (?:${words}|--help)(?![\\w-]))`, 'g');
  // A function replacement: `$` in a path must not be read as a replacement pattern.
  return (text) => text.replace(suggestion, () => params.programName);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
