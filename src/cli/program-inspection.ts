import type { Command } from 'commander';
import { linesOption } from './commands/logs-options.js';
import { helpText } from './help-text.js';
import type { JsonOption } from './option-parsers.js';
import type { Execute } from './program.js';

/** The commands that look and reach in: status, exec, ssh, scp, ssh-config, inventory, logs, environments, providers. */
export function defineInspectionCommands(program: Command, execute: Execute): void {
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
    .summary('open an SSH session on a machine, ssh options passed through (host key pinned)')
    .usage('<env> <machine> [ssh-options...] [-- command...]')
    .argument('<env>', 'environment name')
    .argument('<machine>', 'machine id, e.g. 0')
    .argument('[ssh-options-and-command...]', 'OpenSSH options (-L, -R, -D, -A, -N, -t, -o, -v …), then the command, after --')
    // ssh's options are ssh's: only a help flag of our own, which a command after -- never triggers.
    .allowUnknownOption()
    .helpOption(false)
    .option('-h, --help', 'display help for command')
    .on('option:help', function (this: Command) { this.help(); })
    .addHelpText('after', helpText.ssh)
    .action((env: string, machine: string, rest: string[], _options: object, command: Command) =>
      execute('ssh', command, false, async (context) => {
        const { runSsh } = await import('./commands/ssh.js');
        return runSsh(context, { environment: env, machineId: machine, rest, rawArgs: rawArgsOf(command) });
      }),
    );

  program
    .command('scp')
    .alias('cp')
    .summary('copy files and directories between this client and a machine (host key pinned)')
    .usage('[options] <env> <source...> <target>')
    .argument('<env>', 'environment name')
    .argument('<paths...>', 'sources and a target; the machine side as ID:PATH, e.g. 0:/tmp/')
    .option('-r, --recursive', 'copy directories and what is in them')
    .option('-p, --preserve', "keep the files' modification times and modes")
    .addHelpText('after', helpText.scp)
    .action((env: string, paths: string[], options: { recursive?: boolean; preserve?: boolean }, command: Command) =>
      execute('scp', command, false, async (context) => {
        const { runScp } = await import('./commands/scp.js');
        return runScp(context, { environment: env, paths, ...options });
      }),
    );

  program
    .command('ssh-config')
    .summary("print OpenSSH Host blocks for the machines, with envboot's pinned keys")
    .argument('<env>', 'environment name')
    .argument('[machines...]', 'machine ids (default: every machine)')
    .addHelpText('after', helpText.sshConfig)
    .action((env: string, machines: string[], _options: object, command: Command) =>
      execute('ssh-config', command, false, async (context) => {
        const { runSshConfig } = await import('./commands/ssh-config.js');
        return runSshConfig(context, { environment: env, machineIds: machines });
      }),
    );

  program
    .command('inventory')
    .summary('print the machines for other tools: JSON, or an Ansible inventory')
    .argument('<env>', 'environment name')
    .option('--format <format>', 'json (default) or ansible (a YAML inventory)')
    .addHelpText('after', helpText.inventory)
    .action((env: string, options: { format?: string }, command: Command) =>
      execute('inventory', command, false, async (context) => {
        const { runInventory } = await import('./commands/inventory.js');
        return runInventory(context, { environment: env, format: options.format });
      }),
    );

  program
    .command('logs')
    .summary("collect a machine's logs: console, configure log, cloud-init's output and verdict")
    .argument('<env>', 'environment name')
    .argument('[machine]', 'machine id (default: 0, the controller)')
    .option('--console', "the provider's console output (selectors combine; with none, every section is shown)")
    .option('--configure', "envboot's configure log, /var/log/envboot/configure.log")
    .option('--cloud-init', "cloud-init's output log, result.json and status.json")
    .option('-f, --follow', 'show the configure log, then follow it (tail -F) until Ctrl-C')
    .option('-n, --lines <n>', 'lines shown per section (default 100)', linesOption)
    .option('--output <dir>', 'write each log whole to DIR/ENV-machine-ID/ (made 0700, files 0600; never overwrites)')
    .option('--json', 'the logs as one JSON result line')
    .addHelpText('after', helpText.logs)
    .action((env: string, machine: string | undefined, options: LogsOptions, command: Command) =>
      execute('logs', command, options.json === true, async (context) => {
        const { runLogs } = await import('./commands/logs.js');
        return runLogs(context, { environment: env, machineId: machine, ...options });
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
    .summary('list the providers and what each supports; check one environment\'s provider health')
    .option('--check <env>', "run the environment's provider preflight (credentials, region, quota, …) and show each check; creates nothing")
    .option('--json', 'the list as one JSON result line')
    .addHelpText('after', helpText.providers)
    .action((options: JsonOption & { check?: string }, command: Command) =>
      execute('providers', command, options.json === true, async (context) => {
        if (options.check !== undefined) {
          const { runProviderCheck } = await import('./commands/provider-check.js');
          return runProviderCheck(context, { environment: options.check });
        }
        const { runProviders } = await import('./commands/providers.js');
        return runProviders(context);
      }),
    );
}

/** The command line as given to the program (commander's `rawArgs`, which its typings leave out). */
function rawArgsOf(command: Command): readonly string[] {
  let root = command;
  while (root.parent !== null) root = root.parent;
  const raw = (root as Command & { rawArgs?: unknown }).rawArgs;
  return Array.isArray(raw) ? (raw as string[]) : [];
}

interface LogsOptions extends JsonOption {
  readonly console?: boolean;
  readonly configure?: boolean;
  readonly cloudInit?: boolean;
  readonly follow?: boolean;
  readonly lines?: number;
  readonly output?: string;
}
