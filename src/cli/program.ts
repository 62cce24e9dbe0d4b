import { Command } from 'commander';
import type { CommandResult } from './command-result.js';
import type { CliIo, CommandContext, GlobalOptions } from './context.js';
import { helpText } from './help-text.js';
import { defineCompletionCommands } from './program-completion.js';
import { defineInspectionCommands } from './program-inspection.js';
import { defineLifecycleCommands } from './program-lifecycle.js';
import { defineRepairCommands } from './program-repair.js';
import { defineSharingCommands } from './program-sharing.js';

/** Where the chosen command's exit code goes once its action has run. */
export interface ProgramRun {
  exitCode: number;
}

/** What a command's action does once its context exists. */
export type Action = (context: CommandContext) => Promise<CommandResult>;

/** Runs a command's action through `runCommand` (loaded on first use) and records its exit code. */
export type Execute = (name: string, command: Command, json: boolean, action: Action) => Promise<void>;

/**
 * The `envboot` command line: commands, options and help. Command modules (and through
 * them ssh2, the providers and their SDKs) are imported only when their command runs,
 * so `envboot --help` loads commander and nothing else.
 */
export function buildProgram(params: { io: CliIo; version: string; run: ProgramRun }): Command {
  const { io, run } = params;
  const program = new Command('envboot')
    .description('Stand up a controller machine on a cloud, prove it over SSH, configure it, add machines across zones, and destroy it all.')
    .version(params.version, '-V, --version', 'print the version')
    .option('--config <file>', 'the environments file (default: $ENVBOOT_HOME/environments.yaml or $XDG_CONFIG_HOME/envboot/environments.yaml)')
    .option('--debug', 'write a debug log to stderr')
    .option('--log-file <file>', 'append a debug log to FILE, made 0600 (new or existing): it names hosts, addresses and users')
    .addHelpText('after', helpText.program)
    .showSuggestionAfterError(true)
    .showHelpAfterError('(add --help for usage)')
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
      // "Error: …" like envboot's own errors, whichever layer found the mistake.
      outputError: (text, write) => { write(text.replace(/^error: /, 'Error: ')); },
    });

  const execute: Execute = (name, command, json, action) =>
    import('./run-command.js').then(async ({ runCommand }) => {
      const globals = command.optsWithGlobals<GlobalOptions>();
      const cleansUp = name === 'bootstrap' || name === 'add-machine';
      const commands = program.commands.map((c) => c.name());
      run.exitCode = await runCommand({ name, io, globals: { ...globals }, json, cleansUp, commands, action });
    });

  const placement = defineLifecycleCommands(program, execute);
  defineRepairCommands(program, execute);
  defineSharingCommands(program, execute);
  defineInspectionCommands(program, execute);
  defineCompletionCommands(program, io);

  // Provider flags are declared only when bootstrap or add-machine runs or shows its help:
  // knowing them means loading the providers' descriptors and reading environments.yaml.
  const declareProviderFlags = async (command: Command): Promise<void> => {
    const flags = placement.find((p) => p.command === command);
    if (flags === undefined) return;
    const { placementProviders } = await import('./third-party-providers.js');
    flags.declare(await placementProviders({ env: io.env, globals: program.opts<GlobalOptions>() }));
  };
  program.hook('preSubcommand', (_program, command) => declareProviderFlags(command));
  // commander's own help command would print a command's help without running the hook.
  program.helpCommand(false);
  program
    .command('help')
    .argument('[command]', 'the command to explain')
    .description('display help for command')
    .action(async (name: string | undefined) => {
      const command = name === undefined ? undefined : program.commands.find((c) => c.name() === name || c.aliases().includes(name));
      if (name !== undefined && command === undefined) program.error(`error: unknown command '${name}'`, { code: 'commander.unknownCommand' });
      if (command !== undefined) await declareProviderFlags(command);
      (command ?? program).outputHelp();
    });
  return program;
}
