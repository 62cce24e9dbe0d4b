/**
 * Seeded random inputs for the shell renderer's property test: strings full of what
 * breaks naive quoting (quotes, `$`, backticks, backslashes, newlines, `%`, leading
 * dashes, control characters, non-ASCII, very long lines) and raw bytes that are not
 * UTF-8. Seeded so that a failure can be replayed.
 */
export { seededRandom } from '../helpers/seeded-random.js';

const nasty = ["'", '"', '`', '$', '\\', '\n', '%', '-', ' ', '\t', '\r', '*', '?', '[', ']', '{', '}', '(', ')', ';', '&', '|', '<', '>', '!', '#', '~', '=', '\u0001', '\u001b', 'é', '中', '😀', '$(id)', '`id`', '${HOME}', '%s%n', "'\\''", 'ENVBOOT_EOF', '\\0'];

export function randomString(random: () => number, maxLength: number, allow: (ch: string) => boolean = () => true): string {
  const length = Math.floor(random() * maxLength);
  let out = random() < 0.3 ? '-' : '';
  while (out.length < length) {
    const roll = random();
    const piece =
      roll < 0.45
        ? (nasty[Math.floor(random() * nasty.length)] ?? '')
        : roll < 0.9
          ? String.fromCharCode(0x20 + Math.floor(random() * 95))
          : random() < 0.5
            ? 'x'.repeat(Math.floor(random() * 200))
            : String.fromCodePoint(0xa0 + Math.floor(random() * 0x2000));
    out += Array.from(piece).filter(allow).join('');
  }
  return out;
}

export function randomBytes(random: () => number, maxLength: number): Uint8Array {
  const long = random() < 0.05;
  const length = Math.floor(random() * (long ? 200_000 : maxLength));
  return Uint8Array.from({ length }, () => Math.floor(random() * 256));
}
