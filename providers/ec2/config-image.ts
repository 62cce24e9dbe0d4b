import type { Problem } from '../../src/provider-config/index.js';
import { checkResourceId, describeValue, quote, type Check } from './config-checks.js';
import { unknownKeys } from './config-keys.js';
import { isMapping } from './config-values.js';

// This module is loaded by the CLI's light descriptor: it must import no SDK.

/** An image found by name: the newest available match of `name` among `owner`'s images, per architecture. */
export interface Ec2ImageName {
  /** DescribeImages' name filter: `*` and `?` are wildcards. */
  readonly name: string;
  /** A 12-digit account id, or one of the aliases DescribeImages' `Owners` takes. */
  readonly owner: string;
  /** The only architecture the images have; absent: the machine's (constraints, instance type, or amd64). */
  readonly arch?: string;
}

/** The `image` option, checked: an AMI id, or an image to find by name. */
export type Ec2ImageOption = { readonly id: string } | { readonly named: Ec2ImageName };

const imageKeys = ['id', 'name', 'owner', 'arch'] as const;
const ownerAliases = ['self', 'amazon', 'aws-marketplace'] as const;
const ec2Arches = ['amd64', 'arm64'];
/** AMI names are 3 to 128 characters; a pattern is at most as long. */
const maxNameLength = 128;

/** What people write for a key of the image mapping, mapped to the key they meant. */
const likelyMeant: Readonly<Record<string, string>> = {
  ami: 'id', 'ami-id': 'id', 'image-id': 'id', pattern: 'name', 'name-pattern': 'name', filter: 'name', owners: 'owner',
  'owner-id': 'owner', 'owner-alias': 'owner', account: 'owner', 'account-id': 'owner', architecture: 'arch',
};
/** Publishers people name instead of their account. */
const knownPublishers: Readonly<Record<string, string>> = { canonical: '099720109477', ubuntu: '099720109477', debian: '136693071363' };
const archWords: Readonly<Record<string, string>> = { x86_64: 'amd64', 'x86-64': 'amd64', x64: 'amd64', aarch64: 'arm64', arm: 'arm64' };

/**
 * `image`: an AMI id (`ami-…`, or `{id: ami-…}`), or `{name: PATTERN, owner: ID|self|amazon|aws-marketplace, arch?: amd64|arm64}`
 * to find the newest available match by name. Every problem is reported, each under its path.
 *
 * @example
 * checkImage({ name: 'team-base-*', owner: 'self' }, 'image', problems); // { named: { name: 'team-base-*', owner: 'self' } }
 */
export const checkImage: Check<Ec2ImageOption> = (value, path, problems) => {
  if (typeof value === 'string') {
    const id = checkResourceId('ami')(value, path, problems);
    return id === undefined ? undefined : { id };
  }
  if (!isMapping(value)) {
    problems.push({ path, message: `must be an AMI id (ami-0a1b2c3d4e5f67890) or a mapping {name: PATTERN, owner: ACCOUNT|self|amazon}, got ${describeValue(value)}` });
    return undefined;
  }
  const before = problems.length;
  problems.push(...imageKeyProblems(value, path));
  if ('id' in value) {
    const others = Object.keys(value).filter((key) => key !== 'id' && (imageKeys as readonly string[]).includes(key));
    if (others.length > 0) problems.push({ path, message: `give either id, or name and owner (with arch), not both: remove ${others.join(', ')} or id` });
    const id = checkResourceId('ami')(value.id, `${path}.id`, problems);
    return problems.length === before && id !== undefined ? { id } : undefined;
  }
  const name = checkPattern(value.name, `${path}.name`, problems);
  const owner = checkOwner(value.owner, `${path}.owner`, problems);
  const arch = 'arch' in value ? checkArch(value.arch, `${path}.arch`, problems) : undefined;
  if (problems.length > before || name === undefined || owner === undefined) return undefined;
  return { named: { name, owner, ...(arch === undefined ? {} : { arch }) } };
};

function imageKeyProblems(value: Record<string, unknown>, path: string): Problem[] {
  return Object.keys(value)
    .filter((key) => !(imageKeys as readonly string[]).includes(key))
    .map((key) => {
      const meant = likelyMeant[key.replace(/_/g, '-').toLowerCase()];
      if (meant === undefined) return unknownKeys({ [key]: value[key] }, imageKeys, path)[0] ?? { path: `${path}.${key}`, message: 'unknown key' };
      return { path: `${path}.${key}`, message: `unknown key (accepted: ${imageKeys.join(', ')}); did you mean "${meant}"?` };
    });
}

const checkPattern: Check<string> = (value, path, problems) => {
  const hint = 'write the image name, with * and ? as wildcards, e.g. "team-base-ubuntu-24.04-*"';
  if (value === undefined) problems.push({ path, message: `is missing: ${hint} (or give "id" with an AMI id instead)` });
  else if (typeof value !== 'string') problems.push({ path, message: `must be a name pattern, got ${describeValue(value)}; ${hint}` });
  else if (value.trim() === '') problems.push({ path, message: `is empty; ${hint}` });
  else if (/[\p{Cc}]/u.test(value)) problems.push({ path, message: `${quote(value)} has control characters (line breaks, tabs); ${hint}` });
  else if (value.length > maxNameLength) problems.push({ path, message: `is ${value.length} characters long; AMI names have at most ${maxNameLength}` });
  else return value;
  return undefined;
};

const checkOwner: Check<string> = (value, path, problems) => {
  const accepted = `a 12-digit account id or ${ownerAliases.join(', ')}`;
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0) {
    const digits = String(value);
    if (digits.length === 12) return digits;
    // YAML reads 099720109477 as a number and drops its leading zero.
    problems.push({ path, message: `${digits} is not ${accepted}; write the account id in quotes, e.g. owner: "${digits.padStart(12, '0')}"` });
    return undefined;
  }
  if (value === undefined) {
    problems.push({ path, message: `is missing: whose images to search, ${accepted} (self: this account's own images)` });
    return undefined;
  }
  const text = typeof value === 'string' ? value.trim() : '';
  if (/^\d{12}$/.test(text) || (ownerAliases as readonly string[]).includes(text)) return text;
  let hint = `use ${accepted}`;
  const lower = text.toLowerCase();
  if ((ownerAliases as readonly string[]).includes(lower)) hint = `did you mean "${lower}"?`;
  else if (/^\d{4}-?\d{4}-?\d{4}$/.test(text)) hint = `did you mean "${text.replace(/-/g, '')}"?`;
  else if (knownPublishers[lower] !== undefined) hint = `${text}'s images are published by account ${knownPublishers[lower] ?? ''}: write owner: "${knownPublishers[lower] ?? ''}"`;
  problems.push({ path, message: `${describeValue(value)} is not ${accepted}; ${hint}` });
  return undefined;
};

const checkArch: Check<string> = (value, path, problems) => {
  if (typeof value === 'string' && ec2Arches.includes(value)) return value;
  const meant = typeof value === 'string' ? (archWords[value.toLowerCase()] ?? (ec2Arches.includes(value.toLowerCase()) ? value.toLowerCase() : undefined)) : undefined;
  const hint = meant === undefined ? 'EC2 images are amd64 or arm64' : `did you mean "${meant}"?`;
  problems.push({ path, message: `${describeValue(value)} is not an architecture envboot knows; ${hint} (or leave arch out to follow the machine's)` });
  return undefined;
};
