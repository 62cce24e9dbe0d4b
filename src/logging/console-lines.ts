import type { SecretRedactor } from './redact.js';

// CSI and OSC sequences (colours, cursor moves, window titles) and two-character escapes.
// eslint-disable-next-line no-control-regex
const escapeSequence = /\u001b(?:\[[0-?]*[ -/]*[@-~]|\][^\u0007\u001b]*(?:\u0007|\u001b\\)|[@-Z\\-_])/g;
// Whatever control or invisible formatting character is left, tab aside.
const invisible = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu;

/** How long one shown line may be; a longer one is cut with `…`. */
export const consoleLineLength = 400;

/**
 * A console's text as lines fit for a terminal, a log or JSON: escape sequences removed,
 * a carriage return keeps what a terminal would show (the text after it), other control
 * characters dropped, each line cut to `consoleLineLength`, and secrets replaced (private
 * key blocks, `#cloud-config` bodies, and every value registered with the redactor).
 * Redaction runs on the whole text first, so a key block that spans lines goes as one.
 * Empty lines at the ends are dropped; at most the last `maxLines` are kept.
 */
export function consoleLines(text: string, redactor: SecretRedactor, maxLines: number): string[] {
  const lines = redactor
    .redactText(text.replace(escapeSequence, ''))
    .split('\n')
    .map((line) => {
      const shown = (line.split('\r').filter((part) => part !== '').at(-1) ?? '').replace(invisible, (c) => (c === '\t' ? '  ' : ''));
      return shown.length > consoleLineLength ? `${shown.slice(0, consoleLineLength)}…` : shown.trimEnd();
    });
  while (lines.length > 0 && lines[0] === '') lines.shift();
  while (lines.length > 0 && lines.at(-1) === '') lines.pop();
  return lines.slice(-maxLines);
}
