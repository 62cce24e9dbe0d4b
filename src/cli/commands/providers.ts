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
    ['Provider', 'Facts', 'Flags', 'Description'],
    providers.map((p) =>
      'error' in p
        ? [p.name, '-', '-', `cannot be loaded: ${p.error.message}`]
        : [p.name, facts(p.capabilities), p.flags.map((f) => f.flag).join(', ') || '-', p.description],
    ),
  );
  const hint = 'Zones, instance types, firewall and the other abilities belong to an environment: `envboot providers --check ENV` lists them.';
  return { outcome: { json: { providers }, text: `${text}\n${hint}` } };
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

/** The facts a provider declares; its abilities are its Environ's, listed by `--check ENV`. */
function facts(c: ProviderCapabilities): string {
  const named = { packages: c.packageInstallation, tags: c.tags, 'gzip user-data': c.userDataGzip };
  const on = Object.entries(named).filter(([, yes]) => yes).map(([name]) => name);
  return [...on, `user-data ≤ ${kibibytes(c.maxUserDataBytes)}`].join(', ');
}

function kibibytes(bytes: number): string {
  if (bytes % 1_048_576 === 0) return `${bytes / 1_048_576} MiB`;
  return bytes % 1024 === 0 ? `${bytes / 1024} KiB` : `${bytes} bytes`;
}
