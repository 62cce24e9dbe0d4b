import { parseHostSpec } from '../../src/provider-config/index.js';
import { checkHostKey, describeValue, type Check } from './config-checks.js';
import { unknownKeys } from './config-keys.js';
import { isMapping, optional } from './config-values.js';

/** A host that machines are reached through (ssh's ProxyJump), as the config gives it. */
export interface Ec2JumpHost {
  readonly user: string;
  readonly host: string;
  readonly port: number;
  /** The jump host's public key, `type base64` (comment dropped); unpinned when absent. */
  readonly hostKey?: string;
  /** The private key file it accepts, as written (`~/` not expanded, not read here). */
  readonly identityFile?: string;
}

const jumpHostKeys = ['host', 'host-key', 'identity-file'] as const;

/** The `jump-host` key: `user@host[:port]`, or a mapping with `host`, `host-key` and `identity-file`. */
export const checkJumpHost: Check<Ec2JumpHost> = (value, path, problems) => {
  const spec = isMapping(value) ? value['host'] : value;
  const specPath = isMapping(value) ? `${path}.host` : path;
  if (isMapping(value)) problems.push(...unknownKeys(value, jumpHostKeys, path));
  let host: { user: string; host: string; port: number } | undefined;
  if (typeof spec !== 'string') {
    const what = isMapping(value) && !('host' in value) ? 'is missing' : `is ${describeValue(spec)}`;
    problems.push({ path: specPath, message: `${what}; give the jump host as user@host or user@host:port, e.g. ec2-user@bastion.example.com` });
  } else {
    try {
      host = parseHostSpec(spec);
    } catch (error) {
      problems.push({ path: specPath, message: error instanceof Error ? error.message : String(error) });
    }
  }
  const hostKey = isMapping(value) && 'host-key' in value ? checkHostKey(value['host-key'], `${path}.host-key`, problems) : undefined;
  const identityFile = isMapping(value) && 'identity-file' in value ? checkIdentityFile(value['identity-file'], `${path}.identity-file`, problems) : undefined;
  if (host === undefined) return undefined;
  return { ...host, ...optional('hostKey', hostKey), ...optional('identityFile', identityFile) };
};

const checkIdentityFile: Check<string> = (value, path, problems) => {
  if (typeof value === 'string' && value.includes('PRIVATE KEY')) {
    problems.push({ path, message: 'is a private key, not a file name; save the key in a file (mode 0600) and give its path, e.g. ~/.ssh/bastion' });
  } else if (typeof value !== 'string' || value.trim() === '' || /[\p{Cc}]/u.test(value)) {
    problems.push({ path, message: `must be the path of a private key file, e.g. ~/.ssh/bastion, got ${describeValue(value)}` });
  } else {
    return value;
  }
  return undefined;
};
