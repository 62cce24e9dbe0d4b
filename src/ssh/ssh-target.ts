import { ConfigError } from '../errors/index.js';

/** Where and as whom to connect, and which host keys to accept. */
export interface SshTarget {
  readonly host: string;
  readonly port?: number;
  readonly user: string;
  /** The client's private key (OpenSSH or PEM). */
  readonly privateKey: string;
  /** The host keys the server may present (OpenSSH public key lines); any other is refused. */
  readonly hostKeys: readonly string[];
}

/** `user@host[:port]` and IPv6 `user@[::1]:port`, as ssh's ProxyJump takes them. */
export interface HostSpec {
  readonly user: string;
  readonly host: string;
  readonly port: number;
}

/** Parses `user@host[:port]`; throws `CONFIG_INVALID` naming what is wrong. */
export function parseHostSpec(spec: string, defaultUser?: string): HostSpec {
  const match = /^(?:([^@\s]+)@)?(\[[0-9A-Fa-f:.]+\]|[^:@\s[\]]+)(?::(\d{1,5}))?$/.exec(spec.trim());
  const user = match?.[1] ?? defaultUser;
  const port = Number(match?.[3] ?? 22);
  if (match === null || user === undefined || port < 1 || port > 65535) {
    throw new ConfigError(`invalid host "${spec}": expected user@host or user@host:port (IPv6 as user@[::1]:22)`);
  }
  const host = (match[2] ?? '').replace(/^\[(.*)\]$/, '$1');
  return { user, host, port };
}
