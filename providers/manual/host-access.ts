import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';
import { ConfigError, ZoneIndependentError, knownHostKeys, readIdentityFile, scanHostKey } from '../../src/index.js';
import type { ManualConfig } from './config.js';

/** A host to enrol or release, as the placement names it. */
export interface HostAddress {
  readonly user: string;
  readonly host: string;
  readonly port: number;
}

/** The key files OpenSSH tries by default, in its order. */
const defaultIdentities = ['id_ed25519', 'id_ecdsa', 'id_rsa'];

/**
 * The private key that logs in to the hosts: the configured identity file, or the first
 * of OpenSSH's default key files that exists. Read only when a host is contacted.
 */
export async function readIdentity(config: Pick<ManualConfig, 'identityFile'>): Promise<string> {
  if (config.identityFile !== undefined) {
    const read = await readIdentityFile({ file: config.identityFile, fix: 'fix --identity or "identity-file"' }).catch((error: unknown) => {
      throw new ZoneIndependentError(error);
    });
    return read.privateKey;
  }
  const candidates = defaultIdentities.map((name) => path.join(homedir(), '.ssh', name));
  for (const file of candidates) {
    try {
      return await readFile(file, 'utf8');
    } catch {
      // Not this one: OpenSSH tries the next default too.
    }
  }
  throw problem(`no identity to log in to the hosts with: none of ${candidates.join(', ')} exists; pass --identity FILE or set "identity-file"`);
}

/**
 * The host keys to pin for `address`: from the config (`host-keys`, `--host-key`), else
 * from the user's known_hosts, else, only with `accept-new-host-key`, the key the host
 * presents now (trust on first use; pinned from then on in provider-state). Unknown
 * otherwise: a `CONFIG_INVALID` that says how to make it known.
 */
export async function hostKeysFor(params: { address: HostAddress; config: ManualConfig; signal?: AbortSignal | undefined }): Promise<{ keys: string[]; source: string }> {
  const { host, port } = params.address;
  const configured = params.config.hostKeys[`[${host}]:${port}`] ?? (port === 22 ? params.config.hostKeys[host] : undefined);
  if (configured !== undefined && configured.length > 0) return { keys: [...configured], source: 'the config' };
  const known = await knownHostKeys({ host, port });
  if (known.length > 0) return { keys: known, source: '~/.ssh/known_hosts' };
  if (params.config.acceptNewHostKey) {
    const scanned = await scanHostKey({ host, port, ...(params.signal === undefined ? {} : { signal: params.signal }) });
    return { keys: [scanned], source: 'the host itself (accepted as new)' };
  }
  throw problem(
    `the host key of ${host}:${port} is not known: check its fingerprint and add it to ~/.ssh/known_hosts (ssh-keyscan -p ${port} ${host}), ` +
      'give it with --host-key, or accept it on first contact with --accept-new-host-key',
  );
}

export function instanceIdOf(address: HostAddress): string {
  return `manual:${address.host.includes(':') ? `[${address.host}]` : address.host}:${address.port}`;
}

function problem(message: string, cause?: unknown): ZoneIndependentError {
  return new ZoneIndependentError(new ConfigError(message, cause === undefined ? {} : { cause }));
}
