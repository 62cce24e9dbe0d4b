import type { Address, Environ } from '../../provider/index.js';
import type { SshConnection } from '../../ssh/index.js';
import type { CommandContext } from '../context.js';
import { connectEnvironmentMachine } from './connect-environment-machine.js';
import { openBootstrapped } from './open-environment.js';
import { requireClientKey } from './require-client-key.js';
import { resolveEnvironment, type ResolvedEnvironment } from './resolve-environment.js';

export interface ReachedMachine {
  readonly environment: ResolvedEnvironment;
  readonly environ: Environ;
  /** Verified against the machine's recorded host keys; the caller closes it. */
  readonly connection: SshConnection;
  readonly address: Address;
}

/** What `exec` and `ssh` start with: the environment, its client key, and a verified connection to one machine. */
export async function reachMachine(context: CommandContext, params: { environment: string; machineId: string }): Promise<ReachedMachine> {
  const environment = await resolveEnvironment({ context, name: params.environment, purpose: 'existing' });
  const { environ } = await openBootstrapped({ context, environment });
  const clientKey = await requireClientKey(environment);
  const { connection, address } = await connectEnvironmentMachine({ environment, environ, machineId: params.machineId, clientKey, signal: context.signal, logger: context.logger });
  return { environment, environ, connection, address };
}
