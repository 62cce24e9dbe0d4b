import { ConfigError } from '../../errors/index.js';
import { parseHostSpec } from '../../ssh/ssh-target.js';
import type { ManualConfig } from '../../../providers/manual/config.js';
import type { ResolvedEnvironment } from './resolve-environment.js';

/** The flags that name existing hosts and how to reach them (the manual provider's). */
export interface HostAccessFlags {
  readonly hosts?: readonly string[];
  readonly identity?: string;
  readonly hostKey?: string;
  readonly acceptNewHostKey?: boolean;
}

const keyLine = /^(ssh-ed25519|ecdsa-sha2-nistp(256|384|521)|ssh-rsa) [A-Za-z0-9+/]+={0,3}( .*)?$/;

/**
 * The environment with the host-access flags applied over its manual config, and the
 * placements they name. Bad input is `CONFIG_INVALID` before anything is touched: the
 * flags on another provider, a malformed `--host` or `--host-key`, a key without exactly
 * one host.
 */
export function applyHostAccess(environment: ResolvedEnvironment, flags: HostAccessFlags): { environment: ResolvedEnvironment; placements: string[] } {
  const hosts = flags.hosts ?? [];
  const given = hosts.length > 0 || flags.identity !== undefined || flags.hostKey !== undefined || flags.acceptNewHostKey === true;
  if (environment.provider !== 'manual') {
    if (given) throw new ConfigError(`--host, --identity, --host-key and --accept-new-host-key are for the manual provider; environment "${environment.name}" is on ${environment.provider}`);
    return { environment, placements: [] };
  }
  const specs = hosts.map((host) => parseHostSpec(host));
  if (flags.hostKey !== undefined && specs.length !== 1) throw new ConfigError('--host-key pins the key of one host: give exactly one --host with it');
  if (flags.hostKey !== undefined && !keyLine.test(flags.hostKey.trim())) {
    throw new ConfigError('--host-key must be an OpenSSH public key line, e.g. "ssh-ed25519 AAAA…" (ssh-keyscan prints it after the host name)');
  }
  const options = environment.options as ManualConfig;
  const [first] = specs;
  const pinned = flags.hostKey === undefined || first === undefined
    ? {}
    : { [`[${first.host}]:${first.port}`]: [flags.hostKey.trim().split(/\s+/).slice(0, 2).join(' ')] };
  const merged: ManualConfig = {
    ...options,
    ...(flags.identity === undefined ? {} : { identityFile: flags.identity }),
    hostKeys: { ...options.hostKeys, ...pinned },
    acceptNewHostKey: options.acceptNewHostKey || flags.acceptNewHostKey === true,
  };
  return { environment: { ...environment, options: merged }, placements: specs.map((spec) => `${spec.user}@${spec.host.includes(':') ? `[${spec.host}]` : spec.host}:${spec.port}`) };
}
