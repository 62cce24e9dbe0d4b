import type { Command } from 'commander';
import { helpText } from './help-text.js';
import { durationOption, type JsonOption } from './option-parsers.js';
import type { Execute } from './program.js';

/**
 * The commands that bring an existing environment back in line without creating or
 * removing machines: configure (apply a cloud-config again) and adopt (record instances
 * that carry the environment's tag but were never recorded).
 */
export function defineRepairCommands(program: Command, execute: Execute): void {
  program
    .command('configure')
    .summary("apply the environment's cloud-config, or a given one, to machines again over SSH")
    .argument('<env>', 'environment name')
    .argument('[machine...]', 'machine ids (default: 0, the controller)')
    .option('--cloud-config <file>', "the cloud-config to apply (default: controller-cloud-config for machine 0)")
    .option('--timeout <duration>', 'give up after this long per machine, e.g. 15m', durationOption)
    .option('--json', 'NDJSON progress events and a final result on stdout')
    .addHelpText('after', helpText.configure)
    .action((env: string, machines: string[], options: ConfigureOptions, command: Command) =>
      execute('configure', command, options.json === true, async (context) => {
        const { runConfigure } = await import('./commands/configure.js');
        return runConfigure(context, {
          environment: env,
          machines,
          ...(options.cloudConfig === undefined ? {} : { cloudConfig: options.cloudConfig }),
          ...(options.timeout === undefined ? {} : { timeoutMs: options.timeout }),
        });
      }),
    );

  program
    .command('adopt')
    .summary("record instances that carry the environment's tag but were never recorded, once they are proven")
    .argument('<env>', 'environment name')
    .argument('<instance...>', 'instance ids, as "envboot status" lists the unrecorded ones')
    .option('--host-key <key>', 'a host public key line or a file of them: the instance must present one (repeat); needed where the provider cannot read user-data back', (value: string, previous: string[] | undefined) => [...(previous ?? []), value])
    .option('--user <name>', "the user to log in as (default: the provider's)")
    .option('--json', 'NDJSON progress events and a final result on stdout')
    .addHelpText('after', helpText.adopt)
    .action((env: string, instances: string[], options: AdoptOptions, command: Command) =>
      execute('adopt', command, options.json === true, async (context) => {
        const { runAdopt } = await import('./commands/adopt.js');
        return runAdopt(context, {
          environment: env,
          instanceIds: instances,
          ...(options.hostKey === undefined ? {} : { hostKeys: options.hostKey }),
          ...(options.user === undefined ? {} : { user: options.user }),
        });
      }),
    );
}

interface ConfigureOptions extends JsonOption {
  readonly cloudConfig?: string;
  readonly timeout?: number;
}

interface AdoptOptions extends JsonOption {
  readonly hostKey?: string[];
  readonly user?: string;
}
