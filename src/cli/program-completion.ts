import { Argument, type Command } from 'commander';
import { completionShells, type CompletionShell } from './completion/shells.js';
import type { CliIo } from './context.js';
import { helpText } from './help-text.js';

/**
 * Shell completion: `completion SHELL` prints a script, and the hidden `__complete` answers
 * the script on every Tab from this program's own definition (so new commands complete
 * without a change) and this client's local files. Neither goes through `runCommand`:
 * nothing to report, and a Tab must not load the providers or open a debug log.
 */
export function defineCompletionCommands(program: Command, io: CliIo): void {
  program
    .command('completion')
    .summary('print the shell completion script for bash, zsh or fish')
    .addArgument(new Argument('<shell>', 'the shell the script is for').choices(completionShells))
    .addHelpText('after', helpText.completion)
    .action(async (shell: CompletionShell) => {
      const { completionScript } = await import('./completion/completion-script.js');
      io.stdout.write(completionScript(shell));
    });

  // `envboot __complete -- CWORD WORD…`: the `--` keeps commander from reading the words' flags as its own.
  program
    .command('__complete', { hidden: true })
    .argument('[words...]')
    .helpOption(false)
    .allowUnknownOption()
    .allowExcessArguments()
    .action(async (args: string[]) => {
      const { runComplete } = await import('./completion/run-complete.js');
      await runComplete({ program, args, env: io.env, write: (text) => io.stdout.write(text) });
    });
}
