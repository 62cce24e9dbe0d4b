/**
 * Finds a private key given on the command line by mistake (`envboot authorize ENV
 * "$(cat ~/.ssh/id_ed25519)"`). It starts with `-----BEGIN`, so commander would take it
 * for an unknown option and print it back in its error, putting the key into the
 * terminal's scrollback and any captured log. Checked before commander sees the words.
 * Kept free of imports: `main.ts` runs it for every command, `--help` included.
 */
export function privateKeyArgumentIndex(argv: readonly string[]): number | undefined {
  const index = argv.findIndex((word) => /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/.test(word));
  return index === -1 ? undefined : index;
}

/** The error for such an argument: where it was, never what it holds. */
export function privateKeyArgumentMessage(index: number): string {
  return (
    `Error: argument ${index + 1} is a private key; envboot never takes one on the command line. ` +
    'Give the public half instead (the .pub file, or its one line), and keep the private key where it is.\n'
  );
}
