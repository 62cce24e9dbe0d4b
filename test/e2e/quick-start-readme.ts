/** The commands README.md's "Quick start" section tells a new operator to type. */
export interface QuickStart {
  /** Its first code block, typed in the clone: the set-up line, then `envboot bootstrap demo`. */
  readonly inClone: readonly string[];
  /** Its second code block, typed in any directory of the same shell afterwards. */
  readonly anywhere: readonly string[];
  /** The inline command that keeps `envboot` on the PATH of new shells (`… ln -s … ~/.local/bin/`). */
  readonly permanent: string;
  /** Whether the section offers `./bin/envboot …` for a shell whose PATH was left alone. */
  readonly mentionsLauncher: boolean;
}

/**
 * Reads the quick start out of README.md, so a test runs what the README says and fails
 * when the two drift apart. Lines are kept exactly as written, comments and all: sh
 * reads them as the operator's shell would.
 */
export function quickStart(readme: string): QuickStart {
  const start = readme.search(/^## Quick start$/m);
  if (start === -1) throw new Error('README.md has no "## Quick start" section');
  const rest = readme.slice(start + 1);
  const end = rest.search(/^## /m);
  const section = end === -1 ? rest : rest.slice(0, end);
  const blocks = [...section.matchAll(/^```sh\n([^]*?)^```$/gm)].map((match) => (match[1] ?? '').split('\n').filter((line) => line.trim() !== ''));
  const [inClone, anywhere] = blocks;
  if (inClone === undefined || anywhere === undefined) throw new Error('the quick start has fewer than two ```sh blocks');
  const permanent = [...section.matchAll(/`([^`\n]*\bln -s [^`\n]*)`/g)][0]?.[1];
  if (permanent === undefined) throw new Error('the quick start does not say how to keep envboot on the PATH (an `ln -s …` command)');
  return { inClone, anywhere, permanent, mentionsLauncher: section.includes('./bin/envboot') };
}

/** The commands a run suggested on its "Next: a | b | c" lines, in the order printed. */
export function nextCommands(output: string): string[] {
  return [...output.matchAll(/^Next: (.+)$/gm)].flatMap((match) => (match[1] ?? '').split(' | ').map((command) => command.trim()));
}
