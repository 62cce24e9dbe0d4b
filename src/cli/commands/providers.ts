import type { CommandResult } from '../command-result.js';
import type { CommandContext } from '../context.js';
import { formatTable } from '../output/describe-machine.js';

/** `envboot providers`: the built-in providers, from their descriptors (no SDK is loaded). */
export function runProviders(context: CommandContext): Promise<CommandResult> {
  const providers = context.providers.list().map((p) => ({ name: p.name, description: p.description, capabilities: p.capabilities }));
  const abilities = (c: (typeof providers)[number]['capabilities']): string =>
    Object.entries({ zones: c.zones, firewall: c.firewall, 'instance-types': c.instanceTypes, packages: c.packageInstallation, tags: c.tags })
      .filter(([, on]) => on)
      .map(([name]) => name)
      .join(', ') || '-';
  const text = formatTable(
    ['Provider', 'Capabilities', 'Description'],
    providers.map((p) => [p.name, abilities(p.capabilities), p.description]),
  );
  return Promise.resolve({ outcome: { json: { providers }, text } });
}

