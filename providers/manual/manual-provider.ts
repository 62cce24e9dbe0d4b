import type { Provider } from '../../src/index.js';
import { manualCapabilities } from './capabilities.js';
import { validateManualConfig, type ManualConfig } from './config.js';
import { ManualEnviron } from './manual-environ.js';
import { manualPlacementFlags } from './placement-flags.js';

/**
 * The `manual` provider: bootstrap onto hosts that already exist and are reachable over
 * SSH, as Juju's manual provider does.
 *
 * @example
 * const environ = await manualProvider.open({ environment, config: { ...defaultManualConfig, identityFile: '~/.ssh/ops' }, dataDir });
 * await bootstrap({ environ, placement: 'ubuntu@203.0.113.7' });
 */
export const manualProvider: Provider<ManualConfig> = {
  name: 'manual',
  description: 'existing hosts reached over SSH (user@host); nothing is created or shut down',
  capabilities: manualCapabilities,
  validateConfig: ({ config }) => validateManualConfig(config),
  placementFlags: manualPlacementFlags,
  open: (params) => Promise.resolve(new ManualEnviron({ environment: params.environment, config: params.config, dataDir: params.dataDir })),
};
