import { Command } from 'commander';
import type { CommandResult } from './command-result.js';
import type { CliIo, CommandContext, GlobalOptions } from './context.js';
import { helpText } from './help-text.js';
import { collectList, countOption, durationOption } from './option-parsers.js';

/** Where the chosen command's exit code goes once its action has run. */
export interface ProgramRun {
  exitCode: number;
}

type Action = (context: CommandContext) => Promise<CommandResult>;

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
    .option('--log-file <file>', 'append a debug log to FILE (created 0600)')
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

  const execute = (name: string, command: Command, json: boolean, action: Action): Promise<void> =>
    import('./run-command.js').then(async ({ runCommand }) => {
      const globals = command.optsWithGlobals<GlobalOptions>();
      const cleansUp = name === 'bootstrap' || name === 'add-machine';
      run.exitCode = await runCommand({ name, io, globals: { ...globals }, json, cleansUp, action });
    });

  program
    .command('bootstrap')
    .summary('create an environment and its controller machine')
    .description('Create an environment: start its controller (machine 0), verify it over SSH with its nonce and pinned host key, configure it.')
    .argument('[env]', 'environment name (default: default-environment); a name no config defines is created on the local provider')
    .option('--provider <name>', 'provider for an environment no config defines (default: local)')
    .option('--constraints <constraints>', 'machine constraints, e.g. "cores=2 mem=4G root-disk=20G arch=amd64 instance-type=…"')
    .option('--zone <zone>', 'start the controller in this zone only')
    .option('--cloud-config <file>', "the controller's cloud-config (instead of controller-cloud-config)")
    .option('--timeout <duration>', 'give up (and clean up) after this long, e.g. 15m', durationOption)
    .option('--keep-broken', 'on failure, keep what was created, for debugging')
    .option('--json', 'NDJSON progress events and a final result on stdout')
    .addHelpText('after', helpText.bootstrap)
    .action((env: string | undefined, options: BootstrapOptions, command: Command) =>
      execute('bootstrap', command, options.json === true, async (context) => {
        const { runBootstrap } = await import('./commands/bootstrap.js');
        return runBootstrap(context, {
          environment: env,
          keepBroken: options.keepBroken === true,
          ...pick(options, ['provider', 'constraints', 'zone', 'cloudConfig']),
          ...(options.timeout === undefined ? {} : { timeoutMs: options.timeout }),
        });
      }),
    );

  program
    .command('add-machine')
    .summary('add machines to an environment, spread over zones')
    .argument('<env>', 'environment name')
    .option('-n, --count <n>', 'how many machines (1-100)', countOption, 1)
    .option('--constraints <constraints>', 'machine constraints, merged over the environment\'s')
    .option('--zone <zone>', 'allowed zone (repeat, or a,b); default: all zones', collectList)
    .option('--cloud-config <file>', 'cloud-config applied to each new machine')
    .option('--json', 'NDJSON progress events and a final result on stdout')
    .addHelpText('after', helpText.addMachine)
    .action((env: string, options: AddMachineOptions, command: Command) =>
      execute('add-machine', command, options.json === true, async (context) => {
        const { runAddMachine } = await import('./commands/add-machine.js');
        return runAddMachine(context, { environment: env, count: options.count, ...pick(options, ['constraints', 'cloudConfig']), ...(options.zone === undefined ? {} : { zones: options.zone }) });
      }),
    );

  program
    .command('remove-machine')
    .summary('stop machines and forget them')
    .argument('<env>', 'environment name')
    .argument('<id...>', 'machine ids (not 0, the controller)')
    .option('--json', 'NDJSON progress events and a final result on stdout')
    .addHelpText('after', helpText.removeMachine)
    .action((env: string, ids: string[], options: JsonOption, command: Command) =>
      execute('remove-machine', command, options.json === true, async (context) => {
        const { runRemoveMachine } = await import('./commands/remove-machine.js');
        return runRemoveMachine(context, { environment: env, machineIds: ids });
      }),
    );

  program
    .command('status')
    .summary("show an environment's machines and where its provider-state lives")
    .argument('[env]', 'environment name (default: default-environment, or the only one)')
    .option('--json', 'the status as one JSON result line')
    .addHelpText('after', helpText.status)
    .action((env: string | undefined, options: JsonOption, command: Command) =>
      execute('status', command, options.json === true, async (context) => {
        const { runStatus } = await import('./commands/status.js');
        return runStatus(context, { environment: env });
      }),
    );

  program
    .command('exec')
    .summary('run a command on a machine; its exit status is passed through')
    .usage('[options] <env> <machine> -- <command...>')
    .argument('<env>', 'environment name')
    .argument('<machine>', 'machine id, e.g. 0')
    .argument('<command...>', 'the command, after --')
    .addHelpText('after', helpText.exec)
    .action((env: string, machine: string, argv: string[], _options: object, command: Command) =>
      execute('exec', command, false, async (context) => {
        const { runExec } = await import('./commands/exec.js');
        return runExec(context, { environment: env, machineId: machine, command: argv });
      }),
    );

  program
    .command('ssh')
    .summary('open an interactive SSH session on a machine (host key pinned)')
    .usage('[options] <env> <machine> [-- command...]')
    .argument('<env>', 'environment name')
    .argument('<machine>', 'machine id, e.g. 0')
    .argument('[command...]', 'a command to run instead of a login shell, after --')
    .addHelpText('after', helpText.ssh)
    .action((env: string, machine: string, argv: string[], _options: object, command: Command) =>
      execute('ssh', command, false, async (context) => {
        const { runSsh } = await import('./commands/ssh.js');
        return runSsh(context, { environment: env, machineId: machine, command: argv });
      }),
    );

  program
    .command('destroy')
    .summary('destroy everything an environment owns')
    .argument('<env>', 'environment name')
    .option('-y, --yes', 'do not ask for confirmation (required without a terminal)')
    .option('--json', 'NDJSON progress events and a final result on stdout')
    .addHelpText('after', helpText.destroy)
    .action((env: string, options: JsonOption & { yes?: boolean }, command: Command) =>
      execute('destroy', command, options.json === true, async (context) => {
        const { runDestroy } = await import('./commands/destroy.js');
        return runDestroy(context, { environment: env, yes: options.yes === true });
      }),
    );

  program
    .command('environments')
    .summary('list the environments this client knows')
    .option('--json', 'the list as one JSON result line')
    .addHelpText('after', helpText.environments)
    .action((options: JsonOption, command: Command) =>
      execute('environments', command, options.json === true, async (context) => {
        const { runEnvironments } = await import('./commands/environments.js');
        return runEnvironments(context);
      }),
    );

  program
    .command('providers')
    .summary('list the providers and what each supports')
    .option('--json', 'the list as one JSON result line')
    .addHelpText('after', helpText.providers)
    .action((options: JsonOption, command: Command) =>
      execute('providers', command, options.json === true, async (context) => {
        const { runProviders } = await import('./commands/providers.js');
        return runProviders(context);
      }),
    );

  return program;
}

interface JsonOption {
  readonly json?: boolean;
}

interface BootstrapOptions extends JsonOption {
  readonly provider?: string;
  readonly constraints?: string;
  readonly zone?: string;
  readonly cloudConfig?: string;
  readonly timeout?: number;
  readonly keepBroken?: boolean;
}

interface AddMachineOptions extends JsonOption {
  readonly count: number;
  readonly constraints?: string;
  readonly zone?: string[];
  readonly cloudConfig?: string;
}

/** The named options that were given, without the absent ones (exactOptionalPropertyTypes). */
function pick<T extends object, K extends keyof T>(options: T, keys: readonly K[]): Partial<Pick<T, K>> {
  const picked: Partial<Pick<T, K>> = {};
  for (const key of keys) if (options[key] !== undefined) picked[key] = options[key];
  return picked;
}
