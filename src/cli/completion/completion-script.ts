import { bashScript } from './bash-script.js';
import { fishScript } from './fish-script.js';
import type { CompletionShell } from './shells.js';
import { zshScript } from './zsh-script.js';

const scripts: Readonly<Record<CompletionShell, string>> = { bash: bashScript, zsh: zshScript, fish: fishScript };

/** The completion script for `shell`, as `envboot completion SHELL` prints it. */
export function completionScript(shell: CompletionShell): string {
  return scripts[shell];
}
