/** How much of a stored object's text a message quotes, at most, by default. */
export const excerptLength = 80;

// Control characters (C0, DEL, C1) and invisible formatting ones (bidi overrides,
// zero-width characters, line and paragraph separators).
const invisible = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u;

/**
 * `text` as a message may quote it: every control or invisible formatting character
 * written as an escape (`\x1b`, `\u202e`) and the whole cut to about `maxLength`
 * characters with `…`. provider-state and what storage says of it are written by whoever
 * can write the bucket; quoted raw, an `ESC [2J` in them would act on the operator's
 * terminal (clear it, retitle it, hide the lines before) and a large object would flood it.
 *
 * @example
 * printableExcerpt('a\u001b[2Jb'); // 'a\\x1b[2Jb'
 */
export function printableExcerpt(text: string, maxLength: number = excerptLength): string {
  let out = '';
  for (const character of text) {
    const shown = invisible.test(character) ? escape(character) : character;
    if (out.length + shown.length > maxLength) return `${out}…`;
    out += shown;
  }
  return out;
}

function escape(character: string): string {
  const code = character.codePointAt(0) ?? 0;
  const hex = code.toString(16);
  if (code < 0x100) return `\\x${hex.padStart(2, '0')}`;
  return code < 0x10000 ? `\\u${hex.padStart(4, '0')}` : `\\u{${hex}}`;
}
