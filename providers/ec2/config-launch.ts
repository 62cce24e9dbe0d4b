import type { Problem } from '../../src/provider-config/index.js';
import { describeValue, quote, type Check } from './config-checks.js';
import { parseIamArn, roleNameOfArn, type IamArn } from './iam-arn.js';

// The checks behind the launch options: `instance-profile`, `spot` and `spot-max-price`.

/** An IAM instance profile for the machines: by name, or by ARN (which also names it). */
export interface Ec2InstanceProfile {
  /** The profile's name: the ARN's last segment when an ARN was given. */
  readonly name: string;
  /** As configured; absent when a name was given. RunInstances takes one or the other. */
  readonly arn?: string;
}

/** IAM's characters for names: letters, digits and `+=,.@_-`, 1 to 128 of them. */
const profileName = /^[\w+=,.@-]{1,128}$/;
/** An instance profile's path in its ARN: segments of printable ASCII, each ending in `/`. */
const profilePath = /^(?:[\x21-\x2e\x30-\x7e]+\/)*$/;
const nameHint = 'an instance profile name (letters, digits and +=,.@_-, up to 128) or its ARN, e.g. arn:aws:iam::123456789012:instance-profile/envboot-controller';

/**
 * `instance-profile`: a name, or an instance profile's ARN (with its path, if it has one).
 * A role's ARN is refused with how a role reaches a machine (through a profile).
 */
export const checkInstanceProfile: Check<Ec2InstanceProfile> = (value, path, problems) => {
  const read = readInstanceProfile(value);
  if ('profile' in read) return read.profile;
  problems.push({ path, message: read.problem });
  return undefined;
};

function readInstanceProfile(value: unknown): { profile: Ec2InstanceProfile } | { problem: string } {
  if (typeof value !== 'string') return { problem: `must be ${nameHint}, got ${describeValue(value)}` };
  const text = value.trim();
  const spaced = { problem: `${quote(value)} has spaces around it; did you mean ${quote(text)}?` };
  const arn = profileArnOf(text);
  if (arn !== undefined) {
    const { path: pathPart, name } = arn;
    if (!profileName.test(name)) return { problem: `${quote(value)} ends in ${quote(name)}, which is not an instance profile name; ${nameHint}` };
    if (pathPart.length > 510) return { problem: `${quote(value)} has a path longer than IAM's 512 characters; check the ARN (\`aws iam list-instance-profiles\` lists them)` };
    return text === value ? { profile: { name, arn: text } } : spaced;
  }
  const role = roleNameOfArn(text);
  if (role !== undefined) {
    return {
      problem:
        `${quote(value)} is a role's ARN; EC2 gives a role to machines through an instance profile: give the profile's name or ARN ` +
        `(the console makes one named like the role, here perhaps ${quote(role)}; \`aws iam list-instance-profiles-for-role --role-name ${role}\` lists them)`,
    };
  }
  if (text.startsWith('arn:')) return { problem: `${quote(value)} is not an instance profile's ARN; ${nameHint}` };
  if (profileName.test(text)) return text === value ? { profile: { name: text } } : spaced;
  if (text.includes('/')) return { problem: `${quote(value)} is not a name (names have no "/"); for a profile with a path, give its ARN: ${nameHint}` };
  if (text.length > 128) return { problem: `${quote(value)} is ${text.length} characters long; instance profile names have 1 to 128` };
  const others = [...new Set(text.replace(/[\w+=,.@-]/g, ''))].map((c) => JSON.stringify(c)).join(', ');
  return { problem: text === '' ? `is empty; ${nameHint}` : `${quote(value)} has ${others}; ${nameHint}` };
}

/** `arn:aws:iam::123456789012:instance-profile/name`, with an optional path before the name (name unchecked). */
function profileArnOf(text: string): IamArn | undefined {
  const arn = parseIamArn(text);
  return arn?.kind === 'instance-profile' && profilePath.test(arn.path) ? arn : undefined;
}

/** A price in US dollars per hour, as EC2's `MaxPrice` takes it: digits, an optional fraction, above zero. */
export const checkSpotMaxPrice: Check<string> = (value, path, problems) => {
  const text = typeof value === 'number' && Number.isFinite(value) ? String(value) : typeof value === 'string' ? value.trim() : undefined;
  if (text !== undefined && /^\d{1,6}(\.\d{1,10})?$/.test(text) && Number(text) > 0) return text;
  const bare = text?.replace(/^\$|\s*(usd|\$|\/h(our)?)$/gi, '');
  const hint = bare !== undefined && bare !== text && /^\d+(\.\d+)?$/.test(bare) ? `write the number alone: ${bare}` : 'write US dollars per hour, e.g. 0.05';
  problems.push({ path, message: `must be a price above zero, got ${describeValue(value)}; ${hint} (leave it out to pay the spot price, capped at the on-demand price)` });
  return undefined;
};

/** A `spot-max-price` with `spot: false` is a contradiction: one problem saying so. */
export function spotPriceProblems(spot: boolean | undefined, maxPrice: string | undefined): Problem[] {
  if (spot !== false || maxPrice === undefined) return [];
  return [{ path: 'spot-max-price', message: 'caps the price of spot machines, but spot is false: set spot: true (or start machines with --spot), or drop spot-max-price' }];
}
