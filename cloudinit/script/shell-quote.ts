/**
 * Quotes a string for POSIX sh: single quotes keep every byte literal, and a single
 * quote itself is closed, escaped and reopened. Safe for `$`, backticks, backslashes,
 * newlines, `%`, leading dashes and any other character.
 */
export function quote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

/**
 * A word as a person would type it: left bare when it holds only characters no shell
 * reads specially (`/usr/bin/envboot`, `user@host`, `%h:%p`), quoted otherwise.
 */
export function quoteIfNeeded(value: string): string {
  return /^[\w@%:,./=+-]+$/.test(value) ? value : quote(value);
}

/** Quotes every argument of an argv and joins them into one command line. */
export function quoteArgv(argv: readonly string[]): string {
  return argv.map(quote).join(' ');
}

/**
 * A path under the script's root prefix: `"$ENVBOOT_ROOT"'/etc/app.conf'`. The root is
 * empty on a real machine and a temporary directory in tests.
 */
export function rooted(path: string): string {
  return `"$ENVBOOT_ROOT"${quote(path)}`;
}

/**
 * A `printf` command that prints `text` with the named `$VARIABLE`s replaced by shell
 * expressions and everything else byte for byte (the text is an argument, never the
 * format, so `%` and backslashes stay literal).
 */
export function printfTemplate(text: string, variables: Readonly<Record<string, string>>): string {
  const names = Object.keys(variables);
  if (names.length === 0) return `printf '%s' ${quote(text)}`;
  const pattern = new RegExp(`\\$(?:\\{(${names.join('|')})\\}|(${names.join('|')})\\b)`, 'g');
  const parts: string[] = [];
  let last = 0;
  for (const match of text.matchAll(pattern)) {
    parts.push(quote(text.slice(last, match.index)), variables[match[1] ?? match[2] ?? ''] ?? "''");
    last = match.index + match[0].length;
  }
  parts.push(quote(text.slice(last)));
  return `printf '${'%s'.repeat(parts.length)}' ${parts.join(' ')}`;
}
