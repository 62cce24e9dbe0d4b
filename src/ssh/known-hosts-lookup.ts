import { createHmac } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';

/** The user's own known_hosts files, as OpenSSH reads them by default. */
export function userKnownHostsFiles(): string[] {
  return [path.join(homedir(), '.ssh', 'known_hosts'), path.join(homedir(), '.ssh', 'known_hosts2')];
}

/**
 * The host keys OpenSSH's known_hosts files pin for `host:port`, as `type base64` lines:
 * plain and hashed (`|1|salt|hash`) host fields, `[host]:port` for ports other than 22,
 * comma-separated names and `*`/`?` patterns (a negated `!pattern` excludes). Revoked keys
 * and certificate authorities (`@revoked`, `@cert-authority`) are not host keys and are
 * skipped. Missing files are no keys, not an error.
 *
 * @example
 * await knownHostKeys({ host: 'bastion.example.com', port: 22 }); // ['ssh-ed25519 AAAA…']
 */
export async function knownHostKeys(params: { host: string; port: number; files?: readonly string[] }): Promise<string[]> {
  const name = params.port === 22 ? params.host : `[${params.host}]:${params.port}`;
  const keys: string[] = [];
  for (const file of params.files ?? userKnownHostsFiles()) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n')) {
      const [hosts = '', type, blob] = line.trim().split(/\s+/);
      if (hosts === '' || hosts.startsWith('#') || hosts.startsWith('@') || type === undefined || blob === undefined) continue;
      if (hostsMatch(hosts, name)) keys.push(`${type} ${blob}`);
    }
  }
  return [...new Set(keys)];
}

function hostsMatch(field: string, name: string): boolean {
  if (field.startsWith('|1|')) return hashedMatch(field, name);
  let matched = false;
  for (const pattern of field.split(',')) {
    const negated = pattern.startsWith('!');
    if (globMatch(negated ? pattern.slice(1) : pattern, name)) {
      if (negated) return false;
      matched = true;
    }
  }
  return matched;
}

function hashedMatch(field: string, name: string): boolean {
  const [, , salt, hash] = field.split('|');
  if (salt === undefined || hash === undefined) return false;
  return createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64') === hash;
}

function globMatch(pattern: string, name: string): boolean {
  const source = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${source}$`, 'i').test(name);
}
