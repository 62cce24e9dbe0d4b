import { TagKey, type Problem } from '../../src/provider-config/index.js';
import { describeValue, quote, type Check } from './config-checks.js';
import { isMapping } from './config-values.js';
import { maxEnvbootTags, maxTagsPerResource } from './ec2-tags.js';

// The checks behind `resource-tags` and `--tag`: AWS's rules for tags, and envboot's own
// keys kept out of reach. Loaded by the CLI's light descriptor: no SDK.

/** How many tags an operator may add: EC2's 50 per resource, less envboot's own. */
export const maxResourceTags = maxTagsPerResource - maxEnvbootTags;

/** The characters AWS allows in tags across its services: letters, digits, white space and `_ . : / = + - @`. */
const allowedCharacters = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;
const notAllowed = /[^\p{L}\p{Z}\p{N}_.:/=+\-@]/gu;

/**
 * `resource-tags`: a mapping of tag keys to string values, added to every resource at
 * creation. Values must be strings: YAML would read `cost-centre: 0042` as the number 42,
 * and a policy that requires "0042" would then refuse every machine.
 *
 * @example
 * checkResourceTags({ 'cost-centre': '0042', team: 'platform' }, 'resource-tags', problems); // { 'cost-centre': '0042', team: 'platform' }
 */
export const checkResourceTags: Check<Record<string, string>> = (value, path, problems) => {
  if (!isMapping(value)) {
    const hint = typeof value === 'string' && value.includes('=') ? `; write each KEY=VALUE as "KEY: VALUE" on its own line` : '';
    problems.push({ path, message: `must be a mapping of tag keys to values, e.g. {cost-centre: "0042", team: platform}, got ${describeValue(value)}${hint}` });
    return undefined;
  }
  const before = problems.length;
  const tags: Record<string, string> = {};
  for (const [key, raw] of Object.entries(value)) {
    if (typeof raw === 'string') tags[key] = raw;
    else {
      const written = raw === null || raw === undefined ? '""' : typeof raw === 'object' ? '"…"' : `"${JSON.stringify(raw)}"`;
      problems.push({ path: `${path}.${key}`, message: `must be a string, got ${describeValue(raw)}; quote it: ${key}: ${written}` });
    }
  }
  problems.push(...resourceTagProblems(tags, path));
  return problems.length === before ? tags : undefined;
};

/**
 * Everything wrong with a set of tags for envboot's resources, one problem per tag and
 * rule: envboot's keys (`envboot-…`, `envboot:…`, `Name`) and AWS's (`aws:…`) are
 * reserved, keys have 1 to 128 characters and values up to 256, of AWS's allowed
 * characters, and at most `maxResourceTags` of them. Keys are case sensitive, as in AWS:
 * `Owner` and `owner` are two tags.
 */
export function resourceTagProblems(tags: Readonly<Record<string, string>>, path: string): Problem[] {
  const problems: Problem[] = [];
  for (const [key, value] of Object.entries(tags)) {
    const at = (message: string): void => {
      problems.push({ path, message: `tag ${quote(key)} ${message}` });
    };
    const reserved = reservedBy(key);
    if (reserved !== undefined) at(reserved);
    // In characters, as AWS counts them, not UTF-16 units.
    const keyLength = Array.from(key).length;
    if (keyLength === 0) at('has an empty key; tag keys have 1 to 128 characters');
    if (keyLength > 128) at(`has a key of ${keyLength} characters; tag keys have at most 128`);
    if (!allowedCharacters.test(key)) at(`has ${characters(key)} in its key; ${allowedText}`);
    const valueLength = Array.from(value).length;
    if (valueLength > 256) at(`has a value of ${valueLength} characters; tag values have at most 256`);
    if (!allowedCharacters.test(value)) at(`has ${characters(value)} in its value; ${allowedText}`);
  }
  const count = Object.keys(tags).length;
  if (count > maxResourceTags) {
    problems.push({
      path,
      message: `has ${count} tags; EC2 takes ${maxTagsPerResource} per resource and envboot uses ${maxEnvbootTags} of them, which leaves ${maxResourceTags}: drop ${count - maxResourceTags}`,
    });
  }
  return problems;
}

const allowedText = 'AWS allows letters, digits, spaces and _ . : / = + - @ in tags';

function reservedBy(key: string): string | undefined {
  const lower = key.toLowerCase();
  if (lower.startsWith('aws:')) return 'starts with "aws:", which AWS reserves for its own tags; choose another key';
  if (lower.startsWith('envboot-') || lower.startsWith('envboot:')) {
    return `starts with "${key.slice(0, 8)}", which envboot reserves for its own tags (ownership, provider-state, expiry); choose another key`;
  }
  if (key === TagKey.Name) return 'is the tag envboot names its resources with (envboot-ENV-machine-N); choose another key';
  return undefined;
}

/** `"!", "#"`, each character once; control characters by their code. */
function characters(text: string): string {
  const found = [...new Set(text.match(notAllowed) ?? [])];
  return found.map((c) => (/[\p{Cc}]/u.test(c) ? `U+${(c.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}` : JSON.stringify(c))).join(', ');
}
