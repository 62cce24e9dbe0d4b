import type { CommandResult } from '../command-result.js';
import type { CommandContext } from '../context.js';
import { defaultProviderName } from '../builtin-providers.js';
import { loadEnvironmentsFile } from '../config/environments-file.js';
import { recordedEnvironments } from '../environment/known-environments.js';
import { formatTable } from '../output/describe-machine.js';
import { readMachineCache } from '../records/machine-cache.js';
import { unfinishedWaysOut } from '../environment/unfinished.js';

/** The State column: what this client's record says (a record without a completed bootstrap is one that did not finish, as far as this client knows). */
function stateLabel(e: { readonly state: 'not bootstrapped' | 'unfinished' | 'bootstrapped' }): string {
  return e.state === 'unfinished' ? 'bootstrap unfinished' : e.state;
}

/**
 * `envboot environments`: every environment this client knows, defined in
 * environments.yaml or bootstrapped from here (or both), with what this client last saw
 * of it. Asks no provider: `envboot status ENV` does.
 */
export async function runEnvironments(context: CommandContext): Promise<CommandResult> {
  const file = await loadEnvironmentsFile({ path: context.paths.configFile, required: context.paths.configFileExplicit, providers: context.providers });
  const recorded = await recordedEnvironments(context.paths.dataRoot);
  const names = [...new Set([...file.environments.keys(), ...recorded.keys()])].sort();
  const environments = await Promise.all(
    names.map(async (name) => {
      const record = recorded.get(name);
      const cache = record === undefined ? undefined : await readMachineCache(context.paths.environmentDir(name));
      return {
        name,
        provider: file.environments.get(name)?.provider ?? record?.provider ?? defaultProviderName,
        defined: file.environments.has(name),
        attached: record?.attachment !== undefined,
        default: file.defaultEnvironment === name,
        uuid: record?.uuid ?? null,
        bootstrappedAt: record?.bootstrappedAt ?? null,
        machines: cache?.machines.length ?? null,
        state: record === undefined ? 'not bootstrapped' : record.bootstrappedAt === undefined ? 'unfinished' : 'bootstrapped',
      } as const;
    }),
  );
  const json = { configFile: file.path, configFileExists: file.exists, dataDir: context.paths.dataRoot, environments };
  const rows = environments.map((e) => [
    e.default ? `${e.name}*` : e.name,
    e.provider,
    stateLabel(e),
    e.machines === null ? '-' : String(e.machines),
    e.defined ? 'environments.yaml' : e.attached ? 'attached (local record)' : 'local record only',
  ]);
  const text =
    environments.length === 0
      ? `No environments yet (${file.exists ? `${file.path} defines none` : `no ${file.path}`}). "envboot bootstrap demo" creates a local one.`
      : [
          formatTable(['Environment', 'Provider', 'State', 'Machines', 'Defined in'], rows),
          ...environments.filter((e) => e.state === 'unfinished').map((e) => `Unfinished bootstrap of ${e.name}: ${unfinishedWaysOut(e.name)}.`),
          `Config: ${file.path}${file.exists ? '' : ' (absent)'}`,
        ].join('\n');
  return { outcome: { json, text } };
}
