import { checkDuration } from '../../src/provider-config/index.js';
import { describeValue, type Check } from './config-checks.js';
import { unknownKeys } from './config-keys.js';
import { isMapping, optional } from './config-values.js';
import { isRoleArn, roleNamePattern } from './iam-arn.js';

// The `profile` and `assume-role` keys: which AWS identity an environment works as. Names
// and ARNs only; secrets stay in the shared files and the SDK's chain. Light: no SDK.

/** The role the environment's calls are made as (STS AssumeRole), as the config gives it. */
export interface Ec2AssumeRole {
  /** `arn:aws:iam::123456789012:role/NAME` (or another partition's). */
  readonly arn: string;
  /** What the role's trust policy requires in `sts:ExternalId`, when it does. */
  readonly externalId?: string;
  /** Shown in CloudTrail; absent: `envboot-<environment>`. */
  readonly sessionName?: string;
  /** How long each set of session credentials lasts (they are renewed); absent: STS's default, one hour. */
  readonly durationSeconds?: number;
}

export const assumeRoleKeys = ['arn', 'external-id', 'session-name', 'duration'] as const;

const roleExample = 'arn:aws:iam::123456789012:role/envboot-deployer';
const externalIdPattern = /^[\w+=,.@:/-]{2,1224}$/;
const sessionNamePattern = /^[\w+=,.@-]{2,64}$/;
const accessKeyId = /^(AKIA|ASIA|AIDA|AROA)[A-Z0-9]{12,}$/;
/** 40 characters of base64: the shape of a secret access key. */
const secretKeyShape = /^[A-Za-z0-9/+=]{40}$/;

/** A profile name from the shared config files (`aws configure --profile NAME`); never a key. */
export const checkProfile: Check<string> = (value, path, problems) => {
  if (typeof value !== 'string' || value.trim() === '') {
    problems.push({ path, message: `must be the name of a profile in the AWS config files (as \`aws configure --profile NAME\` makes), got ${describeValue(value)}` });
    return undefined;
  }
  let problem: string | undefined;
  if (accessKeyId.test(value)) problem = 'is an access key id, not a profile name; credentials never go in the config: store them with `aws configure --profile NAME` and give NAME here';
  else if (secretKeyShape.test(value)) problem = 'looks like a secret access key (not shown), not a profile name; credentials never go in the config: store them with `aws configure --profile NAME` and give NAME here';
  else if (/^profile\s+\S/.test(value)) problem = `names the config file's section; the profile is "${value.replace(/^profile\s+/, '')}"`;
  else if (/[\s[\]\p{Cc}]/u.test(value) || value.length > 128) problem = `${describeValue(value)} is not a profile name: names have no spaces or brackets and at most 128 characters`;
  if (problem === undefined) return value;
  problems.push({ path, message: problem });
  return undefined;
};

/** `assume-role`: a role ARN, or `{ arn, external-id?, session-name?, duration? }`. */
export const checkAssumeRole: Check<Ec2AssumeRole> = (value, path, problems) => {
  if (!isMapping(value)) {
    const arn = checkRoleArn(value, path, problems);
    return arn === undefined ? undefined : { arn };
  }
  const before = problems.length;
  problems.push(...unknownKeys(value, assumeRoleKeys, path));
  const arnPath = `${path}.arn`;
  const arn = 'arn' in value ? checkRoleArn(value['arn'], arnPath, problems) : undefined;
  if (!('arn' in value)) problems.push({ path: arnPath, message: `is missing; give the role's ARN, e.g. ${roleExample}` });
  const read = <T>(key: string, check: Check<T>): T | undefined => (key in value ? check(value[key], `${path}.${key}`, problems) : undefined);
  const externalId = read('external-id', checkExternalId);
  const sessionName = read('session-name', checkSessionName);
  const durationSeconds = read('duration', checkSessionDuration);
  if (arn === undefined || problems.length > before) return undefined;
  return { arn, ...optional('externalId', externalId), ...optional('sessionName', sessionName), ...optional('durationSeconds', durationSeconds) };
};

/** `envboot-<environment>`, cut to STS's 64 characters and its alphabet. */
export function defaultSessionName(environmentName: string | undefined): string {
  return `envboot${environmentName === undefined ? '' : `-${environmentName}`}`.replace(/[^\w+=,.@-]/g, '-').slice(0, 64);
}

const checkRoleArn: Check<string> = (value, path, problems) => {
  if (typeof value === 'string' && isRoleArn(value)) return value;
  const text = typeof value === 'string' ? value.trim() : '';
  let hint = `a role ARN looks like ${roleExample}`;
  if (typeof value !== 'string') hint = `give it as a string, e.g. ${roleExample}`;
  else if (isRoleArn(text)) hint = 'remove the spaces around it';
  else if (roleNamePattern.test(text)) hint = `give the role's full ARN, e.g. arn:aws:iam::ACCOUNT:role/${text} (\`aws iam get-role --role-name ${text}\` prints it)`;
  else if (/:sts::\d+:assumed-role\//.test(text)) hint = `that is a session of a role; give the role's own ARN, e.g. ${roleExample}`;
  else if (/:iam::\d+:(user|group|instance-profile|policy)\//.test(text)) hint = `that is an IAM ${/:iam::\d+:([a-z-]+)\//.exec(text)?.[1] ?? ''}, not a role; give a role's ARN, e.g. ${roleExample}`;
  else if (/^arn:[^:]*:iam::[^:]*:role\//.test(text) && !/^arn:[^:]*:iam::\d{12}:/.test(text)) hint = 'the account id must be 12 digits';
  problems.push({ path, message: `${describeValue(value)} is not an IAM role ARN; ${hint}` });
  return undefined;
};

const checkExternalId: Check<string> = (value, path, problems) => {
  if (typeof value === 'string' && externalIdPattern.test(value)) return value;
  let problem = `must be 2 to 1224 characters of letters, digits and + = , . @ : / - _, got ${typeof value === 'string' ? `a string of ${value.length} characters` : describeValue(value)}`;
  if (typeof value === 'number') problem = 'is a number; quote it (external-id: "…") so that leading zeros and long digits stay as written';
  else if (typeof value === 'string' && value.length >= 2 && value.length <= 1224) {
    problem = `has characters STS does not accept (${[...new Set(value.replace(/[\w+=,.@:/-]/g, ''))].map((c) => JSON.stringify(c)).join(', ')}); use letters, digits and + = , . @ : / - _`;
  }
  problems.push({ path, message: problem });
  return undefined;
};

const checkSessionName: Check<string> = (value, path, problems) => {
  if (typeof value === 'string' && sessionNamePattern.test(value)) return value;
  const suggestion = typeof value === 'string' ? value.replace(/[^\w+=,.@-]+/g, '-').slice(0, 64) : '';
  const hint = sessionNamePattern.test(suggestion) ? `, e.g. "${suggestion}"` : '';
  problems.push({ path, message: `${describeValue(value)} is not a role session name: 2 to 64 characters of letters, digits and + = , . @ - _${hint}` });
  return undefined;
};

/** STS's session length: 15 minutes to 12 hours (a role's maximum may be lower; STS says so). */
const checkSessionDuration: Check<number> = (value, path, problems) => {
  const checked = typeof value === 'string' || typeof value === 'number' ? checkDuration(value, { bareNumberUnit: 's' }) : undefined;
  let problem: string | undefined;
  if (checked === undefined) problem = `must be a duration such as 1h or 3600 (seconds), got ${describeValue(value)}`;
  else if (!checked.ok) problem = checked.message;
  else if (checked.ms % 1000 !== 0) problem = 'must be whole seconds';
  else if (checked.ms < 900_000 || checked.ms > 43_200_000) problem = `${describeValue(value)} is outside what STS allows: 15m (900) to 12h (43200), and at most the role's maximum session duration`;
  if (problem === undefined && checked?.ok === true) return checked.ms / 1000;
  problems.push({ path, message: problem ?? 'is not a duration' });
  return undefined;
};
