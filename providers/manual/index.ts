/** The `manual` provider: `import { manualProvider } from 'envboot/providers/manual'`. */
export { manualProvider } from './manual-provider.js';
export { manualDescriptor } from './descriptor.js';
export { ManualEnviron } from './manual-environ.js';
export { defaultManualConfig, manualConfigKeys, validateManualConfig, type ManualConfig } from './config.js';
export { manualCapabilities } from './capabilities.js';
export { manualPlacementFlags } from './placement-flags.js';
