import { hostname, userInfo } from 'node:os';
import { FilesystemStorage } from '../../../storage/index.js';
import { ConfigError } from '../../errors/index.js';
import type { Environ } from '../../provider/index.js';
import { parseClientPublicKey } from '../../ssh/index.js';
import { authorizedClients, bootstrapProgress, checkClientLabel } from '../../state/index.js';
import type { CommandResult } from '../command-result.js';
import type { CommandContext } from '../context.js';
import { loadEnvironmentsFile, type EnvironmentDefinition, type EnvironmentsFile } from '../config/environments-file.js';
import { checkEnvironmentName } from '../config/paths.js';
import { optionsFromFlags, providerDataDir, type AttachLocationFlags, type LocatedDataDir } from '../environment/attach-options.js';
import { authorizeCommand } from '../environment/authorize-hint.js';
import { collectMachines } from '../environment/collect-machines.js';
import { openEnviron, stateIdentity, unknownUuid, type StateIdentity } from '../environment/open-environment.js';
import type { ResolvedEnvironment } from '../environment/resolve-environment.js';
import { clientKeyFile, ensureClientKey } from '../records/client-key.js';
import { withEnvironmentLock } from '../records/environment-lock.js';
import { readEnvironmentRecord, writeEnvironmentRecord, type EnvironmentRecord } from '../records/environment-record.js';
import { knownHostsFile } from '../records/known-hosts.js';
import { refreshLocalRecords } from '../records/refresh-records.js';
import { attachOutcome } from './attach-view.js';

export interface AttachInput extends AttachLocationFlags {
  readonly environment: string;
  /** `--provider`: needed unless environments.yaml defines the environment. */
  readonly provider?: string | undefined;
  /** `--data-dir`: where a provider that keeps provider-state on this host (local, qemu, manual) keeps it. */
  readonly dataDir?: string | undefined;
  /** `--label`: the comment of this client's new key, what `authorize` lists it as. */
  readonly label?: string | undefined;
}

/**
 * `envboot attach ENV --provider P [options]`: registers on this client an environment
 * another client bootstrapped, found through its provider-state (the bucket and prefix,
 * or the other client's data directory on this host): its record (UUID, provider, and the
 * options to find it again), its machines, their host keys pinned from provider-state,
 * and a client key of this client's own. No private key travels: the outcome prints this
 * client's public key and the `envboot authorize` command an authorized operator runs.
 * Every check (provider, options, provider-state found, the name free here) is made
 * before anything is written: `CONFIG_INVALID` (exit 2) with nothing created. Attaching
 * the same environment again refreshes its machines and host keys and keeps the key.
 */
export async function runAttach(context: CommandContext, input: AttachInput): Promise<CommandResult> {
  const { name, file, definition, provider, options, rawOptions } = await attachTarget(context, input);
  const label = input.label === undefined ? undefined : checkClientLabel(input.label);
  const home = context.io.env['HOME'] ?? userInfo().homedir;
  const located = input.dataDir === undefined ? undefined : await providerDataDir({ given: input.dataDir, cwd: process.cwd(), home });
  const dataDir = located?.dir;
  const dir = context.paths.environmentDir(name);
  return withEnvironmentLock({ dir, name, operation: 'attach' }, async () => {
    const known = await readEnvironmentRecord(dir);
    const environment: ResolvedEnvironment = {
      name, dir, provider, options, file, constraints: definition?.constraints ?? {}, expose: [], defined: definition !== undefined, record: undefined, providerDataDir: dataDir,
    };
    const probe = await openEnviron({ context, environment, uuid: known?.uuid ?? unknownUuid });
    const location = probe.storage().description;
    const stated = await findEnvironment({ probe, name, provider, location, dataDir: located, signal: context.signal });
    if (known !== undefined && known.uuid !== stated.uuid) {
      throw new ConfigError(
        `environment "${name}" is already known on this client as another environment (UUID ${known.uuid}; the one at ${location} is ${stated.uuid}); ` +
          `one client holds one environment of a name: destroy this client's "${name}" first ("envboot destroy ${name}") if it is gone, or attach from another ENVBOOT_HOME`,
      );
    }
    const environ = known?.uuid === stated.uuid ? probe : await openEnviron({ context, environment, uuid: stated.uuid });
    // Everything is read before the first write: a provider that cannot be asked leaves this client as it was.
    const collected = await collectMachines({ environ, state: stated.state, signal: context.signal });
    // A client that bootstrapped the environment keeps its record as it is: it finds the environment on its own data.
    const bootstrappedHere = known !== undefined && known.attachment === undefined;
    const record = bootstrappedHere ? known : attachedRecord({ known, name, provider, stated, location, rawOptions, dataDir });
    if (!bootstrappedHere) await writeEnvironmentRecord(dir, record);
    const key = await ensureClientKey({ dir, environment: name, comment: label ?? defaultLabel() });
    await refreshLocalRecords({ environ, dir, collected, signal: context.signal });
    const ownKey = parseClientPublicKey(key.publicKey, "this client's key").key;
    return attachOutcome({
      name,
      provider,
      uuid: stated.uuid,
      location,
      again: known !== undefined,
      bootstrappedHere,
      machines: collected.machines.map((m) => m.record.id),
      keyFile: clientKeyFile(dir),
      knownHosts: knownHostsFile(dir),
      publicKey: key.publicKey,
      authorized: bootstrappedHere || authorizedClients(stated.state).some((client) => client.key === ownKey),
      authorize: authorizeCommand({ environment: name, publicKey: key.publicKey }),
    });
  });
}

interface AttachTarget {
  readonly name: string;
  readonly file: EnvironmentsFile;
  readonly definition: EnvironmentDefinition | undefined;
  readonly provider: string;
  /** Validated by the provider. */
  readonly options: unknown;
  /** As environments.yaml would hold them; undefined when none were given. */
  readonly rawOptions: Readonly<Record<string, unknown>> | undefined;
}

/** The environment's name, provider and options, from the flags or from environments.yaml's entry of that name; every mistake `CONFIG_INVALID`. */
async function attachTarget(context: CommandContext, input: AttachInput): Promise<AttachTarget> {
  const name = input.environment;
  const problem = checkEnvironmentName(name);
  if (problem !== undefined) throw new ConfigError(`environment name "${name}" is invalid: ${problem.message}`);
  const file = await loadEnvironmentsFile({ path: context.paths.configFile, required: context.paths.configFileExplicit, providers: context.providers, only: name });
  const definition = file.environments.get(name);
  const flagged = optionsFromFlags(input);
  if (definition !== undefined) {
    if (input.provider !== undefined && input.provider !== definition.provider) {
      throw new ConfigError(`environment "${name}" is defined in ${file.path} on provider "${definition.provider}", not "${input.provider}"; drop --provider, or fix the entry`);
    }
    if (flagged !== undefined) {
      throw new ConfigError(
        `environment "${name}" is defined in ${file.path}, and attach finds it with that entry's options: ` +
          'drop --region, --bucket, --prefix and --option, or change the entry',
      );
    }
    const rawOptions = isMapping(definition.rawOptions) ? definition.rawOptions : undefined;
    return { name, file, definition, provider: definition.provider, options: definition.options, rawOptions };
  }
  if (input.provider === undefined) {
    throw new ConfigError(
      `name the provider environment "${name}" lives on: e.g. "envboot attach ${name} --provider ec2 --region REGION --bucket BUCKET", ` +
        `or "envboot attach ${name} --provider local --data-dir DIR" (${file.path} does not define it)`,
    );
  }
  const checked = await context.providers.validate(input.provider, flagged);
  if (!checked.ok) {
    throw new ConfigError(`the ${input.provider} provider cannot find environment "${name}" with these options: fix the flags (--region, --bucket, --prefix, --option KEY=VALUE)`, {
      problems: checked.problems,
    });
  }
  return { name, file, definition, provider: input.provider, options: checked.config, rawOptions: flagged };
}

/** provider-state at the place the options name, which must be of an environment of this name; `CONFIG_INVALID` otherwise. */
async function findEnvironment(params: {
  probe: Environ;
  name: string;
  provider: string;
  location: string;
  dataDir: LocatedDataDir | undefined;
  signal: AbortSignal;
}): Promise<StateIdentity> {
  const { name, location, provider } = params;
  // Filesystem storage is on this host: in the data of the client that bootstrapped the environment, which --data-dir names.
  const onThisHost = params.probe.storage() instanceof FilesystemStorage;
  if (params.dataDir !== undefined && !onThisHost) {
    throw new ConfigError(`--data-dir is for providers that keep provider-state on this host (local, qemu, manual); the ${provider} provider keeps it at ${location}: drop --data-dir`);
  }
  if (params.dataDir?.problem !== undefined) throw params.dataDir.problem;
  if (params.dataDir === undefined && onThisHost) {
    throw new ConfigError(
      `the ${provider} provider keeps provider-state on this host, in the data of the client that bootstrapped "${name}": ` +
        `give that client's environment directory with --data-dir, e.g. --data-dir ~/.local/share/envboot/environments/${name}`,
    );
  }
  const stated = await stateIdentity(params.probe, params.signal);
  if (stated === undefined) {
    const check = onThisHost ? 'check --data-dir (the environment directory of the client that bootstrapped it)' : 'check the bucket, prefix and region (--bucket, --prefix, --region)';
    throw new ConfigError(`no environment "${name}" found at ${location} (no provider-state there); ${check}`);
  }
  const stateName = (stated.state.fields['environment'] as { name?: unknown } | undefined)?.name;
  if (typeof stateName === 'string' && stateName !== name) {
    throw new ConfigError(`the environment at ${location} is named "${stateName}", not "${name}": attach it by its own name ("envboot attach ${stateName} …")`);
  }
  return stated;
}

/** This client's record of an attached environment: provider-state's identity, and how to find it again. */
function attachedRecord(params: {
  known: EnvironmentRecord | undefined;
  name: string;
  provider: string;
  stated: StateIdentity;
  location: string;
  rawOptions: Readonly<Record<string, unknown>> | undefined;
  dataDir: string | undefined;
}): EnvironmentRecord {
  const { stated } = params;
  const complete = bootstrapProgress(stated.state).status === 'complete';
  return {
    name: params.name,
    uuid: stated.uuid,
    provider: params.provider,
    createdAt: params.known?.createdAt ?? new Date().toISOString(),
    ...(stated.bootstrappedAt === undefined || !complete ? {} : { bootstrappedAt: stated.bootstrappedAt }),
    attachment: {
      attachedAt: new Date().toISOString(),
      location: params.location,
      ...(params.rawOptions === undefined ? {} : { options: params.rawOptions }),
      ...(params.dataDir === undefined ? {} : { dataDir: params.dataDir }),
    },
  };
}

/** `user@host`, as operators know a client; what the key's comment (and so its label in `authorize`) defaults to. */
function defaultLabel(): string | undefined {
  const label = `${userInfo().username}@${hostname()}`.replace(/[^A-Za-z0-9._@+-]/g, '-').replace(/^[^A-Za-z0-9]+/, '').slice(0, 64);
  return label === '' ? undefined : label;
}

function isMapping(value: unknown): value is Readonly<Record<string, unknown>> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
