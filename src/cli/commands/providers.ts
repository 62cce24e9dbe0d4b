import { messageOf } from '../../errors/index.js';
import type { ProviderCapabilities, ProviderInfo } from '../../provider/index.js';
import type { CommandResult } from '../command-result.js';
import type { CommandContext } from '../context.js';
import { describeError } from '../output/describe-error.js';
import { formatTable } from '../output/describe-machine.js';
import { thirdPartyProviders, type ThirdPartyProvider } from '../third-party-providers.js';

/**
 * `envboot providers`: the built-in providers (from their descriptors: no SDK is loaded)
 * and the third-party ones environments.yaml names (loaded as a command on them would
 * load them), each with its description, capabilities and provider flags. One that cannot
 * be loaded is listed with the reason; a file that cannot be read leaves the built-ins
 * listed, with a warning.
 */
export async function runProviders(context: CommandContext): Promise<CommandResult> {
  const builtin = context.providers.list().map((info) => describeProvider({ name: info.name, info }, true));
  const named = await thirdPartyProviders({ registry: context.providers, paths: context.paths }).catch((error: unknown) => {
    context.reporter.notice('warn', `the third-party providers ${context.paths.configFile} names are not listed: ${messageOf(error)}`);
    return [];
  });
  const providers = [...builtin, ...named.map((provider) => describeProvider(provider, false))];
  const text = formatTable(
    ['Provider', 'Capabilities', 'Flags', 'Description'],
    providers.map((p) =>
      'error' in p
        ? [p.name, '-', '-', `cannot be loaded: ${p.error.message}`]
        : [p.name, abilities(p.capabilities), p.flags.map((f) => f.flag).join(', ') || '-', p.description],
    ),
  );
  return { outcome: { json: { providers }, text } };
}

function describeProvider(provider: ThirdPartyProvider, builtin: boolean) {
  if (!('info' in provider)) return { name: provider.name, builtin, error: describeError(provider.error) };
  const { info } = provider;
  return { name: provider.name, builtin, description: info.description, capabilities: info.capabilities, flags: flagsOf(info) };
}

function flagsOf(info: ProviderInfo) {
  return (info.placementFlags?.flags ?? []).map((flag) => ({
    flag: `--${flag.name}`,
    value: flag.value ?? null,
    repeatable: flag.repeatable === true,
    requiredBy: Object.keys(flag.required ?? {}),
  }));
}

function abilities(c: ProviderCapabilities): string {
  const named = { zones: c.zones, firewall: c.firewall, 'instance-types': c.instanceTypes, packages: c.packageInstallation, tags: c.tags };
  return Object.entries(named).filter(([, on]) => on).map(([name]) => name).join(', ') || '-';
}
