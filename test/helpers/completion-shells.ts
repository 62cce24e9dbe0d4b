import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** How a shell is run for a completion: its environment (PATH with `envboot` on it, HOME, ENVBOOT_HOME) and working directory. */
export interface ShellSetup {
  readonly script: string;
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
}

const timeout = 30_000;

/**
 * What bash offers: the script sourced into a non-interactive bash, COMP_WORDS set to
 * `words` as bash splits a line (`--config=x` is `--config`, `=`, `x`), the cursor at the
 * end of the last word, the completion function called and COMPREPLY printed.
 */
export async function bashCompletions(setup: ShellSetup, words: readonly string[]): Promise<string[]> {
  const driver = [
    'source "$1"; shift',
    'COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}',
    '_envboot_complete envboot "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"',
    '(( ${#COMPREPLY[@]} == 0 )) || printf "%s\\n" "${COMPREPLY[@]}"',
  ].join('\n');
  const { stdout, stderr } = await run('bash', ['--norc', '--noprofile', '-c', driver, 'bash', setup.script, ...words], { env: setup.env, cwd: setup.cwd, timeout });
  if (stderr !== '') throw new Error(`bash wrote to stderr: ${stderr}`);
  return lines(stdout);
}

/**
 * What zsh offers: an interactive `zsh -f` in a pseudo-terminal (zpty) runs compinit
 * with the script on $fpath as `_envboot`, `line` is typed and Tab pressed; a compadd
 * wrapper prints each word zsh would insert (quoted as inserted) instead of adding it.
 * Then a key bound to a widget prints a marker: completion has finished.
 */
export async function zshCompletions(setup: ShellSetup, line: string): Promise<string[]> {
  const dir = path.dirname(setup.script);
  await writeFile(path.join(dir, '_envboot'), await readFile(setup.script, 'utf8'));
  const capture = path.join(dir, 'capture.zsh');
  await writeFile(capture, zshCapture);
  const { stdout } = await run('zsh', ['-f', capture, dir, line], { env: setup.env, cwd: setup.cwd, timeout });
  return lines(stdout);
}

/** What fish offers (`complete -C`), each `word<TAB>note`, with the script sourced into `fish --no-config`. */
export async function fishCompletions(setup: ShellSetup, line: string): Promise<string[]> {
  const { stdout, stderr } = await run('fish', ['--no-config', '-c', 'source $argv[1]; complete -C $argv[2]', setup.script, line], {
    env: setup.env,
    cwd: setup.cwd,
    timeout,
  });
  if (stderr !== '') throw new Error(`fish wrote to stderr: ${stderr}`);
  return lines(stdout);
}

function lines(text: string): string[] {
  return text.split('\n').filter((line) => line !== '');
}

// The markers are written split ("<<wo""rd:") so that the shell's echo of this setup never
// matches them. (In this template literal `\${` is the script's `${` and `\\` its backslash.)
const zshCapture = `zmodload zsh/zpty || exit 3
zpty z zsh -f -i
zpty -w z "PROMPT= RPROMPT= PS2= PROMPT_EOL_MARK= ; unset zle_bracketed_paste; fpath=(\${(q)1} \\$fpath); autoload -U compinit; compinit -u -D"
zpty -w z 'compadd () {
  if [[ \${@[1,(i)(-|--)]} == *-(O|A|D)\\ * ]]; then builtin compadd "$@"; return $?; fi
  local -a hits; builtin compadd -A hits "$@"
  local h; for h in $hits; do print -r -- "<<wo""rd:$IPREFIX$h>>"; done
}'
zpty -w z 'capture-done () { print -r -- "<<do""ne>>" }; zle -N capture-done; bindkey "^I" complete-word; bindkey "^X" capture-done'
zpty -w -n z "$2"$'\\t\\C-x'
local line
while zpty -r -t z line || { sleep 0.05; zpty -r z line }; do
  while [[ $line == *'<<'*'>>'* ]]; do
    line=\${line#*<<}
    [[ $line == 'done>>'* ]] && { zpty -d z; exit 0 }
    [[ $line == word:* ]] && print -r -- \${\${line#word:}%%>>*}
  done
done
exit 4
`;
