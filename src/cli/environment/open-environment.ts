import path from 'node:path';
import { ConfigError, NotBootstrappedError, isNotBootstrapped } from '../../errors/index.js';
import type { Environ } from '../../provider/index.js';
import { bootstrapProgress, loadState, type ProviderState } from '../../state/index.js';
import type { CommandContext } from '../context.js';
import { newEnvironmentRecord, writeEnvironmentRecord, type EnvironmentRecord } from '../records/environment-record.js';
import { environmentLog } from './environment-log.js';
import type { ResolvedEnvironment } from './resolve-environment.js';

/** Stands in for the UUID while provider-state is read to learn the real one; never used to tag anything. */
export const unknownUuid = '00000000-0000-0000-0000-000000000000';

/**
 * Opens the environment's Environ with a known UUID (the provider is loaded here, not
 * before). An attached environment that environments.yaml also defines must be where it
 * was attached from: `CONFIG_INVALID` naming both places otherwise.
 */
export async function openEnviron(params: { context: CommandContext; environment: ResolvedEnvironment; uuid: string }): Promise<Environ> {
  const { context, environment } = params;
  const provider = await context.providers.load(environment.provider);
  const dataDir = environment.providerDataDir ?? path.join(environment.dir, 'provider');
  environmentLog.opening(context.logger, { name: environment.name, provider: environment.provider, uuid: params.uuid, dataDir });
  const environ = await provider.open({
    environment: { name: environment.name, uuid: params.uuid },
    config: environment.options,
    dataDir,
    // Every environment's keys and records, and the config: no machine on this host may read them.
    hostPrivatePaths: [context.paths.dataRoot, path.dirname(context.paths.configFile), ...ownerDataPaths(environment.providerDataDir)],
    signal: context.signal,
    ...(context.logger === undefined ? {} : { logger: context.logger }),
  });
  environmentLog.opened(context.logger, environ);
  const attachment = environment.record?.attachment;
  // Asked of storage only for an attached environment: opening an Environ asks nothing of it otherwise.
  const location = environment.defined && attachment !== undefined ? environ.storage().description : undefined;
  if (attachment !== undefined && location !== undefined && location !== attachment.location) {
    throw new ConfigError(
      `environment "${environment.name}" was attached from provider-state at ${attachment.location}, but ${environment.file.path} defines it at ${location}; ` +
        `make that entry's options name the same place, or remove the entry (this client then uses the options it was attached with)`,
    );
  }
  return environ;
}

/**
 * The data of the client that bootstrapped an environment attached from this host (its
 * keys, its other environments): hidden from machines like this client's own. Its data
 * root when the directory is laid out as envboot lays it out, else the environment's directory.
 */
function ownerDataPaths(providerDataDir: string | undefined): string[] {
  if (providerDataDir === undefined) return [];
  const environmentDir = path.dirname(providerDataDir);
  const environments = path.dirname(environmentDir);
  return path.basename(environments) === 'environments' ? [path.dirname(environments)] : [environmentDir];
}

export interface OpenedEnvironment {
  readonly environ: Environ;
  readonly record: EnvironmentRecord;
  /** provider-state as read to open it; absent when there is none (a crashed bootstrap's leftovers). */
  readonly state?: ProviderState;
}

/**
 * Opens an environment that was bootstrapped, with the UUID provider-state names (the
 * source of truth). This client's record is written again when it is lost or says
 * otherwise; without provider-state the record's UUID is used, so that `destroy` still
 * finds the tagged leftovers of a bootstrap that crashed. `NOT_BOOTSTRAPPED` when
 * neither knows the environment.
 */
export async function openBootstrapped(params: {
  context: CommandContext;
  environment: ResolvedEnvironment;
  /** False for a plan, which writes nothing: a lost or stale record is followed in memory only. Default true. */
  writeRecord?: boolean;
}): Promise<OpenedEnvironment> {
  const { context, environment } = params;
  const recorded = environment.record;
  const environ = await openEnviron({ ...params, uuid: recorded?.uuid ?? unknownUuid });
  const stated = await stateIdentity(environ, context.signal);
  environmentLog.providerState(context.logger, environ, stated);
  if (stated === undefined) {
    if (recorded !== undefined) return { environ, record: recorded };
    throw new NotBootstrappedError(
      `environment "${environment.name}" is not bootstrapped (no provider-state, no local record); run "envboot bootstrap ${environment.name}"`,
    );
  }
  if (recorded?.uuid === stated.uuid) {
    // A bootstrap another client finished (or resumed) since: the record learns it, so that `environments` says so too.
    const finished = bootstrapProgress(stated.state).status === 'complete';
    if (params.writeRecord === false || finished === (recorded.bootstrappedAt !== undefined)) return { environ, record: recorded, state: stated.state };
    return { environ, record: await recordFromState(environment, stated), state: stated.state };
  }
  const reopened = await openEnviron({ ...params, uuid: stated.uuid });
  if (params.writeRecord === false) return { environ: reopened, record: recordOf(environment, stated), state: stated.state };
  if (recorded !== undefined) {
    context.reporter.notice('warn', `this client's record of "${environment.name}" had UUID ${recorded.uuid}, but provider-state says ${stated.uuid}: the record now follows provider-state`);
  }
  const record = await recordFromState(environment, stated);
  return { environ: reopened, record, state: stated.state };
}

/** What provider-state says of the environment it belongs to. */
export interface StateIdentity {
  readonly uuid: string;
  readonly bootstrappedAt?: string;
  /** The whole document, so that the caller need not read it again. */
  readonly state: ProviderState;
}

/** provider-state's environment UUID, or undefined when there is no provider-state. */
export async function stateIdentity(environ: Environ, signal: AbortSignal): Promise<StateIdentity | undefined> {
  try {
    const { state } = await loadState({ storage: environ.storage(), signal });
    const recorded = state.fields['environment'] as { uuid?: unknown } | undefined;
    if (typeof recorded?.uuid !== 'string') return undefined;
    // The UUID selects what the provider lists, tags and destroys (an ec2 filter takes `*` as a wildcard: every
    // environment's machines), on every client that attached: only what envboot itself writes is used.
    if (!/^[A-Za-z0-9][A-Za-z0-9-]{0,63}$/.test(recorded.uuid)) {
      throw new ConfigError(
        `provider-state at ${environ.storage().description} names the environment UUID ${JSON.stringify(recorded.uuid.slice(0, 80))}, which envboot never writes: ` +
          'it was changed by hand or by someone else, and envboot does not use it; restore provider-state from a copy or the bucket\'s versions',
      );
    }
    const at = state.fields['bootstrapped-at'];
    return { uuid: recorded.uuid, state, ...(typeof at === 'string' ? { bootstrappedAt: at } : {}) };
  } catch (error) {
    if (isNotBootstrapped(error)) return undefined;
    throw error;
  }
}

/** Writes this client's record again from provider-state. */
export async function recordFromState(environment: ResolvedEnvironment, stated: StateIdentity): Promise<EnvironmentRecord> {
  const record = recordOf(environment, stated);
  await writeEnvironmentRecord(environment.dir, record);
  return record;
}

/** This client's record as provider-state would have it. */
function recordOf(environment: ResolvedEnvironment, stated: StateIdentity): EnvironmentRecord {
  // Bootstrapped only once the bootstrap completed: a record that says so of an unfinished one would tell `environments` another story than `status`.
  const complete = bootstrapProgress(stated.state).status === 'complete';
  const attachment = environment.record?.attachment;
  return {
    ...newEnvironmentRecord({ name: environment.name, provider: environment.provider, uuid: stated.uuid }),
    ...(stated.bootstrappedAt === undefined || !complete ? {} : { bootstrappedAt: stated.bootstrappedAt }),
    // Where an attached environment is found stays recorded: without it the next command would look on this client's own data.
    ...(attachment === undefined ? {} : { attachment }),
  };
}
