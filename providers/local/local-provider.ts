import { CancelledError, type Provider } from '../../src/index.js';
import type { LocalConfig } from './config.js';
import { localDescriptor } from './descriptor.js';
import { LocalEnviron } from './local-environ.js';

/**
 * The `local` provider: machines are isolated sandboxes on this host, reached over real
 * SSH on loopback addresses, in simulated zones. Packages cannot be installed (the
 * machines share the host's read-only /usr); see `checkLocalCloudConfig`.
 *
 * @example
 * const checked = localProvider.validateConfig({ config: { zones: ['a', 'b'] } });
 * if (!checked.ok) throw new ConfigError('invalid local config', { problems: checked.problems });
 * const environ = await localProvider.open({ environment, config: checked.config, dataDir });
 */
export const localProvider: Provider<LocalConfig> = {
  name: localDescriptor.name,
  description: localDescriptor.description,
  capabilities: localDescriptor.capabilities,
  validateConfig: localDescriptor.validateConfig,
  open: (params) => {
    if (params.signal?.aborted === true) return Promise.reject(new CancelledError('opening the local environment cancelled', { cause: params.signal.reason }));
    return Promise.resolve(
      new LocalEnviron({
        environment: params.environment,
        config: params.config,
        dataDir: params.dataDir,
        hostPrivatePaths: params.hostPrivatePaths,
        ...(params.logger === undefined ? {} : { logger: params.logger }),
      }),
    );
  },
};
