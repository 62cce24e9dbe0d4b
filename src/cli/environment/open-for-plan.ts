import { randomUUID } from 'node:crypto';
import type { Environ } from '../../provider/index.js';
import type { CommandContext } from '../context.js';
import { openBootstrapped, openEnviron } from './open-environment.js';
import type { ResolvedEnvironment } from './resolve-environment.js';

/**
 * Opens the Environ a bootstrap of `environment` would open, writing nothing: with this
 * client's recorded UUID, or, for an environment it has not bootstrapped, a UUID made
 * for the plan (a real bootstrap makes its own, so names derived from it differ).
 */
export async function openForBootstrapPlan(context: CommandContext, environment: ResolvedEnvironment): Promise<{ environ: Environ; newUuid: boolean }> {
  const recorded = environment.record?.uuid;
  return { environ: await openEnviron({ context, environment, uuid: recorded ?? randomUUID() }), newUuid: recorded === undefined };
}

/**
 * Opens a bootstrapped environment as `openBootstrapped` does, with the UUID provider-state
 * names, but leaves this client's record as it is, even when it is lost or stale: a plan
 * writes nothing. `NOT_BOOTSTRAPPED` when neither provider-state nor the record knows it.
 */
export async function openBootstrappedForPlan(context: CommandContext, environment: ResolvedEnvironment): Promise<Environ> {
  return (await openBootstrapped({ context, environment, writeRecord: false })).environ;
}
