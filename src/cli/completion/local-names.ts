import path from 'node:path';
import { checkEnvironmentName } from '../config/environment-name.js';
import { isMapping } from '../config/hints.js';
import type { EnvbootPaths } from '../config/paths.js';
import { recordedEnvironments } from '../environment/known-environments.js';
import { isMachineId } from '../openssh/machine-ids.js';
import { readMachineCache } from '../records/machine-cache.js';
import type { Candidate } from './candidate.js';

/**
 * The environments this client knows, as candidates: those environments.yaml defines and
 * those recorded here, each described by its provider. Local files only, read without a
 * lock; whatever cannot be read (a broken environments.yaml, a damaged record) adds
 * nothing, because a completion must never fail in the user's prompt.
 */
export async function environmentCandidates(paths: EnvbootPaths): Promise<Candidate[]> {
  const [defined, recorded] = await Promise.all([definedEnvironments(paths.configFile), recordedEnvironments(paths.dataRoot)]);
  const names = [...new Set([...defined.names.keys(), ...recorded.keys()])].filter((name) => checkEnvironmentName(name) === undefined).sort();
  return names.map((name) => {
    const provider = recorded.get(name)?.provider ?? defined.names.get(name);
    const notes = [provider, name === defined.defaultName ? 'default' : undefined].filter((note) => note !== undefined);
    return notes.length === 0 ? { value: name } : { value: name, description: notes.join(', ') };
  });
}

/** The machines this client last saw of `environment` (its machine cache), as candidates. */
export async function machineCandidates(paths: EnvbootPaths, environment: string): Promise<Candidate[]> {
  if (checkEnvironmentName(environment) !== undefined) return [];
  const cache = await readMachineCache(path.join(paths.dataRoot, 'environments', environment));
  return (cache?.machines ?? [])
    // The cache comes from provider-state, which other clients write: bash would put a word such as `$(…)` on the line as it is.
    .filter((machine) => typeof machine.id === 'string' && isMachineId(machine.id))
    .map((machine) => {
      const notes = [machine.id === '0' ? 'controller' : undefined, machine.instanceId, machine.status, machine.zone === undefined ? undefined : `in ${machine.zone}`];
      return { value: machine.id, description: notes.filter((note) => typeof note === 'string').join(' ') };
    });
}

interface DefinedEnvironments {
  /** By name, the `provider:` each gives (undefined when it gives none). */
  readonly names: ReadonlyMap<string, string | undefined>;
  readonly defaultName?: string | undefined;
}

/** The names environments.yaml defines, read without checking the definitions. */
async function definedEnvironments(file: string): Promise<DefinedEnvironments> {
  const { readYamlFile } = await import('../config/yaml-file.js');
  const read = await readYamlFile(file).catch(() => undefined);
  if (read?.kind !== 'parsed' || !isMapping(read.document)) return { names: new Map() };
  const environments = read.document['environments'];
  const defaultName = read.document['default-environment'];
  const names = new Map<string, string | undefined>();
  if (isMapping(environments)) {
    for (const [name, definition] of Object.entries(environments)) {
      const provider = isMapping(definition) ? definition['provider'] : undefined;
      names.set(name, typeof provider === 'string' ? provider : undefined);
    }
  }
  return { names, defaultName: typeof defaultName === 'string' ? defaultName : undefined };
}
