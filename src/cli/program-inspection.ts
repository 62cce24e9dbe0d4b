import type { Command } from 'commander';
import { linesOption } from './commands/logs-options.js';
import { helpText } from './help-text.js';
import type { JsonOption } from './option-parsers.js';
import type { Execute } from './program.js';

/** The commands that look and reach in: status, exec, ssh, logs, environments, providers. */
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

interface LogsOptions extends JsonOption {
  readonly console?: boolean;
  readonly configure?: boolean;
  readonly cloudInit?: boolean;
  readonly follow?: boolean;
  readonly lines?: number;
  readonly output?: string;
}
