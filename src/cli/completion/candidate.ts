/** One word a completion offers, with a short note shells that show notes (zsh, fish) print beside it. */
export interface Candidate {
  readonly value: string;
  readonly description?: string;
}

/**
 * What `envboot __complete` answers: the words to offer, or that the shell should
 * complete file or directory names itself (only it knows its quoting and `~`).
 */
export type CompletionReply =
  | { readonly kind: 'words'; readonly candidates: readonly Candidate[] }
  | { readonly kind: 'files' | 'dirs' };

/** The longest note printed beside a candidate: the first words of an option's help. */
const maxDescription = 72;

/**
 * The reply as the completion scripts read it: a first line `words`, `files` or `dirs`,
 * then one candidate a line, its note after a tab. A word a line cannot carry (a newline
 * or tab in a name from environments.yaml) is left out rather than broken in two.
 *
 * @example
 * formatReply({ kind: 'words', candidates: [{ value: 'status', description: 'show …' }] });
 * // 'words\nstatus\tshow …\n'
 */
export function formatReply(reply: CompletionReply): string {
  if (reply.kind !== 'words') return `${reply.kind}\n`;
  const lines = reply.candidates
    .filter((candidate) => candidate.value !== '' && !/\p{Cc}/u.test(candidate.value))
    .map((candidate) => {
      const note = shorten(candidate.description ?? '');
      return note === '' ? candidate.value : `${candidate.value}\t${note}`;
    });
  return ['words', ...lines].map((line) => `${line}\n`).join('');
}

function shorten(description: string): string {
  const flat = description.replace(/[\p{Cc}\s]+/gu, ' ').trim();
  return flat.length <= maxDescription ? flat : `${flat.slice(0, maxDescription - 1).trimEnd()}…`;
}
