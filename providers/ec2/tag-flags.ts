import type { PlacementCommand, PlacementFlag, PlacementFlagValues, Problem } from '../../src/index.js';
import type { Ec2Config } from './config.js';
import { resourceTagProblems } from './config-tags.js';
import { parseTtl } from './config-ttl.js';
import { optional } from './config-values.js';

// Loaded by the CLI's light descriptor: no SDK.

/** `--tag KEY=VALUE` (bootstrap and add-machine) and `--ttl D` (bootstrap). */
export const tagFlags: readonly PlacementFlag[] = [
  {
    name: 'tag',
    value: 'key=value',
    repeatable: true,
    help: {
      bootstrap: 'a tag for everything bootstrap creates, at creation, over resource-tags (repeat for several)',
      'add-machine': 'a tag for the new machines and their volumes, at creation, over resource-tags (repeat for several)',
    },
  },
  {
    name: 'ttl',
    value: 'duration',
    help: {
      bootstrap: 'the environment expires this long after bootstrap, e.g. 8h or 3d (10m to 365d), over ttl: "envboot cleanup --expired" removes it then',
      'add-machine': 'not taken: machines get the expiry of their environment, which bootstrap set',
    },
  },
];

export interface ApplyTagFlagsParams {
  readonly command: PlacementCommand;
  readonly config: Ec2Config;
  readonly values: PlacementFlagValues;
  /** Where the flags' problems go, each naming its flag. */
  readonly problems: Problem[];
}

/**
 * The config with `--tag` over `resource-tags` (a key given both ways takes the flag's
 * value) and `--ttl` over `ttl`. The tags are checked together, as one resource gets them.
 *
 * @example
 * applyTagFlags({ command: 'bootstrap', config, values: { tag: ['cost-centre=0042'], ttl: ['8h'] }, problems });
 * // { ...config, resourceTags: { ...config.resourceTags, 'cost-centre': '0042' }, ttlMs: 28_800_000 }
 */
export function applyTagFlags(params: ApplyTagFlagsParams): Ec2Config {
  const { command, config, values, problems } = params;
  const given = flagTags(valuesOf(values['tag']), problems);
  const ttl = valuesOf(values['ttl'])[0];
  let ttlMs: number | undefined;
  if (ttl !== undefined && command === 'add-machine') {
    problems.push({
      path: '--ttl',
      message: "sets an environment's expiry, which bootstrap sets once; add-machine tags its machines with the environment's expiry (\"envboot status ENV\" shows it): drop --ttl",
    });
  } else if (ttl !== undefined) {
    const checked = parseTtl(ttl);
    if (checked.ok) ttlMs = checked.ms;
    else problems.push({ path: '--ttl', message: checked.message });
  }
  const resourceTags = Object.keys(given).length === 0 ? config.resourceTags : { ...config.resourceTags, ...given };
  if (resourceTags !== config.resourceTags && resourceTags !== undefined) problems.push(...resourceTagProblems(resourceTags, '--tag'));
  return { ...config, ...optional('resourceTags', resourceTags), ...optional('ttlMs', ttlMs) };
}

/** `KEY=VALUE` each; the first `=` ends the key (a key with `=` in it goes in resource-tags). */
function flagTags(given: readonly string[], problems: Problem[]): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const text of given) {
    const split = text.indexOf('=');
    if (split === -1) {
      problems.push({ path: '--tag', message: `${JSON.stringify(text)} is not KEY=VALUE; write e.g. --tag cost-centre=0042 (--tag ${text}= for an empty value)` });
      continue;
    }
    const key = text.slice(0, split);
    if (key in tags) {
      problems.push({ path: '--tag', message: `tag ${JSON.stringify(key)} is given twice (${JSON.stringify(tags[key])} and ${JSON.stringify(text.slice(split + 1))}); give each key once` });
      continue;
    }
    tags[key] = text.slice(split + 1);
  }
  return tags;
}

function valuesOf(given: readonly string[] | true | undefined): readonly string[] {
  return given === undefined || given === true ? [] : given;
}
