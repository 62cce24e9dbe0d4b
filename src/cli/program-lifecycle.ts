import type { Command } from 'commander';
import { helpText } from './help-text.js';
import { collectList, countOption, durationOption, pickGiven, type JsonOption } from './option-parsers.js';
import { placementOptions, type PlacementOptions } from './placement-options.js';
import type { Execute } from './program.js';

/**
 * The commands that create and remove: bootstrap, add-machine, remove-machine, destroy.
 * Returns the provider flags of bootstrap and add-machine, for the caller to declare once
 * the providers are known (see `placementProviders`).
 */
export function defineLifecycleCommands(program: Command, execute: Execute): PlacementOptions[] {
  const bootstrap = program
    .command('bootstrap')
    .summary('create an environment and its controller machine')
    .description('Create an environment: start its controller (machine 0), verify it over SSH with its nonce and pinned host key, configure it.')
    .argument('[env]', 'environment name (default: default-environment); a name no config defines is created on the local provider')
    .option('--provider <name>', 'provider for an environment no config defines (default: local)')
    .option('--constraints <constraints>', 'machine constraints, e.g. "cores=2 mem=4G root-disk=20G arch=amd64 instance-type=…"')
    .option('--zone <zone>', 'start the controller in this zone only')
    .option('--cloud-config <file>', "the controller's cloud-config (instead of controller-cloud-config)")
    .option('--expose <ports>', 'open these ports to anywhere before the controller starts, e.g. 443 (repeat, or a,b); with expose: in environments.yaml', collectList('--expose', 'port range'))
    .option('--timeout <duration>', 'give up (and clean up) after this long, e.g. 15m', durationOption)
    .option('--keep-broken', 'on failure, keep what was created, for debugging')
    .option('--resume', 'go on with a bootstrap that did not finish (interrupted, killed, or failed with --keep-broken)')
    .option('--dry-run', 'check everything and print the plan (type, price, image, zones, calls); create and write nothing')
    .option('--json', 'NDJSON progress events and a final result on stdout')
    .addHelpText('after', helpText.bootstrap);
  const bootstrapFlags = placementOptions(bootstrap, 'bootstrap');
  bootstrap.action((env: string | undefined, options: BootstrapOptions, command: Command) =>
    execute('bootstrap', command, options.json === true, async (context) => {
      const input = {
        environment: env,
        keepBroken: options.keepBroken === true,
        resume: options.resume === true,
        placementFlags: bootstrapFlags.given(),
        ...pickGiven(options, ['provider', 'constraints', 'zone', 'cloudConfig']),
        ...(options.timeout === undefined ? {} : { timeoutMs: options.timeout }),
        ...(options.expose === undefined ? {} : { expose: options.expose }),
      };
      if (options.dryRun === true) {
        const { runBootstrapPlan } = await import('./commands/bootstrap-plan.js');
        return runBootstrapPlan(context, input);
      }
      const { runBootstrap } = await import('./commands/bootstrap.js');
      return runBootstrap(context, input);
    }),
  );

  const addMachine = program
    .command('add-machine')
    .summary('add machines to an environment, spread over zones')
    .argument('<env>', 'environment name')
    .option('-n, --count <n>', 'how many machines (1-100)', countOption, 1)
    .option('--constraints <constraints>', 'machine constraints, merged over the environment\'s')
    .option('--zone <zone>', 'allowed zone (repeat, or a,b); default: all zones', collectList('--zone', 'zone name'))
    .option('--cloud-config <file>', 'cloud-config applied to each new machine')
    .option('--keep-broken', 'keep a machine that fails after it started (stopped otherwise), to read its logs')
    .option('--resume', 'go on with machines an interrupted add-machine left unfinished (recorded, not yet configured)')
    .option('--dry-run', 'check everything and print the plan (types, prices, zones, calls); create and write nothing')
    .option('--json', 'NDJSON progress events and a final result on stdout')
    .addHelpText('after', helpText.addMachine);
  const addMachineFlags = placementOptions(addMachine, 'add-machine');
  addMachine.action((env: string, options: AddMachineOptions, command: Command) =>
    execute('add-machine', command, options.json === true, async (context) => {
      const input = {
        environment: env,
        count: options.count,
        countGiven: command.getOptionValueSource('count') === 'cli',
        keepBroken: options.keepBroken === true,
        resume: options.resume === true,
        placementFlags: addMachineFlags.given(),
        ...pickGiven(options, ['constraints', 'cloudConfig']),
        ...(options.zone === undefined ? {} : { zones: options.zone }),
      };
      if (options.dryRun === true) {
        const { runAddMachinePlan } = await import('./commands/add-machine-plan.js');
        return runAddMachinePlan(context, input);
      }
      const { runAddMachine } = await import('./commands/add-machine.js');
      return runAddMachine(context, input);
    }),
  );

  program
    .command('remove-machine')
    .summary('stop machines and forget them, or stop instances a killed run left unrecorded')
    .argument('<env>', 'environment name')
    .argument('<id...>', 'machine ids (not 0, the controller), or instance ids, such as the unrecorded ones "envboot status" lists')
    .option('--json', 'NDJSON progress events and a final result on stdout')
    .addHelpText('after', helpText.removeMachine)
    .action((env: string, ids: string[], options: JsonOption, command: Command) =>
      execute('remove-machine', command, options.json === true, async (context) => {
        const { runRemoveMachine } = await import('./commands/remove-machine.js');
        return runRemoveMachine(context, { environment: env, ids });
      }),
    );

  program
    .command('expose')
    .summary("open ports of an environment's machines to outside sources (the provider's firewall)")
    .argument('<env>', 'environment name')
    .argument('<ports...>', 'port ranges: 443, 8000-8100, 53/udp (tcp unless /udp)')
    .option('--from <cidr>', 'a source range, e.g. 203.0.113.0/24 (repeat, or a,b); default: anywhere (0.0.0.0/0 and ::/0)', collectList('--from', 'source range'))
    .option('--json', 'NDJSON progress events and a final result on stdout')
    .addHelpText('after', helpText.expose)
    .action((env: string, ports: string[], options: PortsOptions, command: Command) =>
      execute('expose', command, options.json === true, async (context) => {
        const { runExpose } = await import('./commands/expose.js');
        return runExpose(context, { environment: env, ports, from: options.from });
      }),
    );

  program
    .command('unexpose')
    .summary('close ports that expose opened')
    .argument('<env>', 'environment name')
    .argument('<ports...>', 'port ranges as expose took them; a range is closed whole')
    .option('--from <cidr>', 'close only from these sources (repeat, or a,b); default: from every source', collectList('--from', 'source range'))
    .option('--json', 'NDJSON progress events and a final result on stdout')
    .addHelpText('after', helpText.unexpose)
    .action((env: string, ports: string[], options: PortsOptions, command: Command) =>
      execute('unexpose', command, options.json === true, async (context) => {
        const { runUnexpose } = await import('./commands/expose.js');
        return runUnexpose(context, { environment: env, ports, from: options.from });
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
    .command('cleanup')
    .summary("remove envboot's leftovers across environments (crashed bootstraps, lost records)")
    .requiredOption('--provider <name>', 'the provider to clean up after, e.g. ec2')
    .option('--region <region>', 'the region to search (default: the AWS SDK chain\'s)')
    .option('--older-than <duration>', 'also remove resources older than this, e.g. 2h, whatever their environment', durationOption)
    .option('--expired', 'also remove environments whose expiry (bootstrap --ttl) has passed: their resources and provider-state')
    .option('--dry-run', 'list the leftovers, remove nothing')
    .option('-y, --yes', 'do not ask for confirmation (required without a terminal)')
    .option('--json', 'NDJSON progress events and a final result on stdout')
    .addHelpText('after', helpText.cleanup)
    .action((options: CleanupOptions, command: Command) =>
      execute('cleanup', command, options.json === true, async (context) => {
        const { runCleanup } = await import('./commands/cleanup.js');
        return runCleanup(context, {
          provider: options.provider,
          ...(options.region === undefined ? {} : { region: options.region }),
          ...(options.olderThan === undefined ? {} : { olderThanMs: options.olderThan }),
          expired: options.expired === true,
          dryRun: options.dryRun === true,
          yes: options.yes === true,
        });
      }),
    );
  return [bootstrapFlags, addMachineFlags];
}

interface CleanupOptions extends JsonOption {
  readonly provider: string;
  readonly region?: string;
  readonly olderThan?: number;
  readonly expired?: boolean;
  readonly dryRun?: boolean;
  readonly yes?: boolean;
}

interface PortsOptions extends JsonOption {
  readonly from?: string[];
}

interface BootstrapOptions extends JsonOption {
  readonly expose?: string[];
  readonly provider?: string;
  readonly constraints?: string;
  readonly zone?: string;
  readonly cloudConfig?: string;
  readonly timeout?: number;
  readonly keepBroken?: boolean;
  readonly resume?: boolean;
  readonly dryRun?: boolean;
}

interface AddMachineOptions extends JsonOption {
  readonly count: number;
  readonly constraints?: string;
  readonly zone?: string[];
  readonly cloudConfig?: string;
  readonly keepBroken?: boolean;
  readonly resume?: boolean;
  readonly dryRun?: boolean;
}
