import path from 'node:path';
import { NotBootstrappedError, isNotBootstrapped } from '../../errors/index.js';
import type { Environ } from '../../provider/index.js';
import { loadState } from '../../state/index.js';
import type { CommandContext } from '../context.js';
import { newEnvironmentRecord, writeEnvironmentRecord, type EnvironmentRecord } from '../records/environment-record.js';
import type { ResolvedEnvironment } from './resolve-environment.js';

/** Stands in for the UUID while provider-state is read to learn the real one; never used to tag anything. */
const unknownUuid = '00000000-0000-0000-0000-000000000000';

/** Opens the environment's Environ with a known UUID (the provider is loaded here, not before). */
export async function openEnviron(params: { context: CommandContext; environment: ResolvedEnvironment; uuid: string }): Promise<Environ> {
  const { context, environment } = params;
  const provider = await context.providers.load(environment.provider);
  return provider.open({
    environment: { name: environment.name, uuid: params.uuid },
    config: environment.options,
    dataDir: path.join(environment.dir, 'provider'),
    signal: context.signal,
    ...(context.logger === undefined ? {} : { logger: context.logger }),
  });
}

export interface OpenedEnvironment {
  readonly environ: Environ;
  readonly record: EnvironmentRecord;
}

/**
 * Opens an environment that was bootstrapped. Its UUID comes from this client's record
 * or, when the record is lost, from provider-state (which names the environment it
 * belongs to); the record is then written again. `NOT_BOOTSTRAPPED` when neither knows it.
 */
export async function openBootstrapped(params: { context: CommandContext; environment: ResolvedEnvironment }): Promise<OpenedEnvironment> {
  const { environment } = params;
  if (environment.record !== undefined) {
    return { environ: await openEnviron({ ...params, uuid: environment.record.uuid }), record: environment.record };
  }
  const uuid = await uuidFromState(params);
  if (uuid === undefined) {
    throw new NotBootstrappedError(
      `environment "${environment.name}" is not bootstrapped (no provider-state, no local record); run "envboot bootstrap ${environment.name}"`,
    );
  }
  const record = newEnvironmentRecord({ name: environment.name, provider: environment.provider, uuid });
  await writeEnvironmentRecord(environment.dir, record);
  return { environ: await openEnviron({ ...params, uuid }), record };
}

async function uuidFromState(params: { context: CommandContext; environment: ResolvedEnvironment }): Promise<string | undefined> {
  const probe = await openEnviron({ ...params, uuid: unknownUuid });
  try {
    const { state } = await loadState({ storage: probe.storage(), signal: params.context.signal });
    const recorded = state.fields['environment'] as { uuid?: unknown } | undefined;
    return typeof recorded?.uuid === 'string' ? recorded.uuid : undefined;
  } catch (error) {
    if (isNotBootstrapped(error)) return undefined;
    throw error;
  }
}
