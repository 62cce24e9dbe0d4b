import type { Logger } from '../../logging/index.js';
import type { Environ } from '../../provider/index.js';
import { bootstrapProgress, machineRecords } from '../../state/index.js';
import type { StateIdentity } from './open-environment.js';

/**
 * What a command's debug log says about the environment it works on: which provider and
 * UUID it opened it with, and what provider-state said (`connectMachine` logs which
 * machine it reached where). Names, ids and locations only: keys, nonces and user-data
 * are never passed here.
 */
export const environmentLog = {
  opening(logger: Logger | undefined, params: { name: string; provider: string; uuid: string; dataDir: string }): void {
    logger?.debug(`opening environment "${params.name}" on provider ${params.provider}`, { environment: params.name, provider: params.provider, uuid: params.uuid, dataDir: params.dataDir });
  },

  /** Not the Environ's storage: opening asks nothing of it (a check of a provider may run on one with none). */
  opened(logger: Logger | undefined, environ: Environ): void {
    logger?.debug(`opened environment "${environ.environment.name}"`, { sshUser: environ.sshUser });
  },

  /** provider-state as read to open an environment; `stated` undefined when there is none. */
  providerState(logger: Logger | undefined, environ: Environ, stated: StateIdentity | undefined): void {
    if (logger === undefined) return;
    const location = environ.storage().description;
    if (stated === undefined) {
      logger.debug(`no provider-state in ${location}`, { environment: environ.environment.name });
      return;
    }
    const machines = machineRecords(stated.state).map((m) => ({ id: m.id, instanceId: m.instanceId }));
    logger.debug(`read provider-state from ${location}`, {
      uuid: stated.uuid,
      bootstrap: bootstrapProgress(stated.state).status,
      machines,
    });
  },
};
