import { ConfigError } from '../../errors/index.js';
import { publicKeyLine } from '../../ssh/public-key-line.js';
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
  const hostKey = flags.hostKey === undefined ? undefined : publicKeyLine(flags.hostKey);
  if (flags.hostKey !== undefined && hostKey === undefined) {
    throw new ConfigError('--host-key must be an OpenSSH public key line, e.g. "ssh-ed25519 AAAA…" (ssh-keyscan prints it after the host name)');
  }
  const options = environment.options as ManualConfig;
  const [first] = specs;
  const pinned = hostKey === undefined || first === undefined ? {} : { [`[${first.host}]:${first.port}`]: [hostKey] };
  const merged: ManualConfig = {
    ...options,
    ...(flags.identity === undefined ? {} : { identityFile: flags.identity }),
    hostKeys: { ...options.hostKeys, ...pinned },
    acceptNewHostKey: options.acceptNewHostKey || flags.acceptNewHostKey === true,
  };
  return { environment: { ...environment, options: merged }, placements: specs.map((spec) => `${spec.user}@${spec.host.includes(':') ? `[${spec.host}]` : spec.host}:${spec.port}`) };
}
