import type { PlacementFlags, Problem } from '../../src/index.js';
import type { Ec2Config } from './config.js';
import { applyTagFlags, tagFlags } from './tag-flags.js';

// Loaded by the CLI's light descriptor: no SDK.

/**
 * The ec2 provider's flags on `bootstrap` and `add-machine`: `--spot` starts the
 * command's machines as spot instances, over the config's `spot`. They place no machine
 * by name, so they give no placement directives. `--tag` and `--ttl`: see `tag-flags.ts`.
 *
 * @example
 * ec2PlacementFlags.apply({ command: 'add-machine', config, values: { spot: true } });
 * // { ok: true, config: { ...config, spot: true }, placements: [] }
 */
export const ec2PlacementFlags: PlacementFlags<Ec2Config> = {
  flags: [
    {
      name: 'spot',
      help: {
        bootstrap: 'start the controller as a spot instance (cheaper; EC2 may take it back, which terminates it)',
        'add-machine': 'start the machines as spot instances (cheaper; EC2 may take them back, which terminates them)',
      },
    },
    ...tagFlags,
  ],
  apply: ({ command, config, values }) => {
    const problems: Problem[] = [];
    const tagged = applyTagFlags({ command, config: values['spot'] === true ? { ...config, spot: true } : config, values, problems });
    return problems.length > 0 ? { ok: false, problems } : { ok: true, config: tagged, placements: [] };
  },
};
