import { assertValidCloudConfig, type CloudConfig } from '../../cloudinit/index.js';
import { ConfigError, type Problem } from '../errors/index.js';
import type { ProviderCapabilities } from '../provider/index.js';

const packageKeys = ['packages', 'package_update', 'package_upgrade', 'apt'] as const;

/**
 * Checks a cloud-config before anything is created: valid as a whole, and nothing the
 * provider cannot do (package installation on a provider without it). Throws
 * `CONFIG_INVALID` listing every problem.
 */
export function checkCloudConfigFor(params: {
  readonly config: CloudConfig;
  readonly provider: string;
  readonly capabilities: Pick<ProviderCapabilities, 'packageInstallation'>;
  /** How to name the config in messages, e.g. `controller cloud-config`. */
  readonly what: string;
}): CloudConfig {
  const config = assertValidCloudConfig(params.config, params.what);
  if (params.capabilities.packageInstallation) return config;
  const problems: Problem[] = packageKeys
    .filter((key) => config[key] !== undefined && config[key] !== false)
    .map((key) => ({
      path: key,
      message: `the ${params.provider} provider does not install OS packages; remove "${key}" or use a provider that can`,
    }));
  if (problems.length > 0) throw new ConfigError(`${params.what} asks for what the ${params.provider} provider cannot do`, { problems });
  return config;
}
