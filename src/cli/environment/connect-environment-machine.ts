import type { Logger } from '../../logging/index.js';
import { connectMachine } from '../../machines/index.js';
import type { Environ } from '../../provider/index.js';
import type { SshKeyPair } from '../../ssh/index.js';
import { explainRefusedLogin } from './authorize-hint.js';
import type { ResolvedEnvironment } from './resolve-environment.js';

/**
 * `connectMachine` for a CLI command: a verified connection to one machine of the
 * environment, whose refused login says what an attached client must ask for (see
 * `explainRefusedLogin`) in every command that logs in: exec, ssh, scp, logs, configure.
 */
export async function connectEnvironmentMachine(params: {
  readonly environment: ResolvedEnvironment;
  readonly environ: Environ;
  readonly machineId: string;
  readonly clientKey: SshKeyPair;
  readonly signal: AbortSignal;
  readonly logger?: Logger | undefined;
}): ReturnType<typeof connectMachine> {
  const { environment, machineId, clientKey } = params;
  try {
    return await connectMachine({ environ: params.environ, machineId, clientKey, signal: params.signal, logger: params.logger });
  } catch (error) {
    throw explainRefusedLogin({ environment, machineId, clientKey, error });
  }
}
