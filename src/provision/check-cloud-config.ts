import { assertValidCloudConfig, type CloudConfig } from '../../cloudinit/index.js';
import { ConfigError, type Problem } from '../errors/index.js';
import type { Environ } from '../provider/index.js';

const packageKeys = ['packages', 'package_update', 'package_upgrade', 'apt'] as const;

/**
 * Checks a cloud-config before anything is created: valid as a whole, and nothing the
 * provider cannot do (its `checkCloudConfig`, and package installation on a provider
 * without it). Throws `CONFIG_INVALID` listing every problem.
 */
export function checkCloudConfigFor(params: {
  readonly config: CloudConfig;
  readonly environ: Pick<Environ, 'provider' | 'capabilities' | 'checkCloudConfig'>;
  /** How to name the config in messages, e.g. `controller cloud-config`. */
  readonly what: string;
}): CloudConfig {
  const { environ } = params;
  const config = assertValidCloudConfig(params.config, params.what);
  const problems: Problem[] = environ.checkCloudConfig?.(config).slice() ?? [];
  if (!environ.capabilities.packageInstallation) {
    for (const key of packageKeys) {
      if (config[key] === undefined || config[key] === false || problems.some((p) => p.path === key)) continue;
      problems.push({ path: key, message: `the ${environ.provider} provider does not install OS packages; remove "${key}" or use a provider that can` });
    }
  }
  if (problems.length > 0) throw new ConfigError(`${params.what} asks for what the ${environ.provider} provider cannot do`, { problems });
  return config;
}
