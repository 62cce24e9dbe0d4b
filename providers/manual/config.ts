import type { Problem, ValidateConfigResult } from '../../src/index.js';
import { publicKeyLine } from '../../src/provider-config/index.js';

// Loaded by the CLI's light descriptor: no SDK, no ssh2.

/** The `manual` provider's config, validated. */
export interface ManualConfig {
  /** The private key that logs in to the hosts being enrolled; absent: ~/.ssh/id_ed25519, id_ecdsa, id_rsa, the first that exists. */
  readonly identityFile?: string;
  /** Pinned host keys by host (`203.0.113.7`, or `[203.0.113.7]:2222` for another port), OpenSSH public key lines. */
  readonly hostKeys: Readonly<Record<string, readonly string[]>>;
  /** Accept and pin the key a host presents the first time, when no other source knows it. */
  readonly acceptNewHostKey: boolean;
  /** Shell commands run (as root) on each host when it leaves the environment, before envboot's own files are removed. */
  readonly teardownCommands: readonly string[];
}

export const defaultManualConfig: ManualConfig = { hostKeys: {}, acceptNewHostKey: false, teardownCommands: [] };
export const manualConfigKeys = ['identity-file', 'host-keys', 'accept-new-host-key', 'teardown-commands'] as const;


/**
 * Checks a raw `manual` config (kebab-case keys), every problem at once.
 *
 * @example
 * validateManualConfig({ 'identity-file': '~/.ssh/ops', 'host-keys': { '203.0.113.7': 'ssh-ed25519 AAAA…' } });
 */
export function validateManualConfig(raw: unknown): ValidateConfigResult<ManualConfig> {
  if (raw === undefined || raw === null) return { ok: true, config: defaultManualConfig };
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    return { ok: false, problems: [{ path: '', message: `the manual provider's config must be a mapping (${manualConfigKeys.join(', ')})` }] };
  }
  const input = raw as Record<string, unknown>;
  const problems: Problem[] = [];
  for (const key of Object.keys(input)) {
    if (!(manualConfigKeys as readonly string[]).includes(key)) problems.push({ path: key, message: `unknown key for the manual provider (it accepts ${manualConfigKeys.join(', ')})` });
  }
  const identity = input['identity-file'];
  if (identity !== undefined && (typeof identity !== 'string' || identity.trim() === '')) {
    problems.push({ path: 'identity-file', message: 'must be the path of a private key file, e.g. ~/.ssh/id_ed25519' });
  }
  const accept = input['accept-new-host-key'];
  if (accept !== undefined && typeof accept !== 'boolean') problems.push({ path: 'accept-new-host-key', message: 'must be true or false' });
  const teardown = input['teardown-commands'];
  if (teardown !== undefined && (!Array.isArray(teardown) || teardown.some((c) => typeof c !== 'string' || c.trim() === ''))) {
    problems.push({ path: 'teardown-commands', message: 'must be a list of shell command lines, e.g. ["systemctl stop myapp"]' });
  }
  const hostKeys = checkHostKeys(input['host-keys'], problems);
  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    config: {
      ...(typeof identity === 'string' ? { identityFile: identity } : {}),
      hostKeys,
      acceptNewHostKey: accept === true,
      teardownCommands: (teardown as string[] | undefined) ?? [],
    },
  };
}

function checkHostKeys(value: unknown, problems: Problem[]): Record<string, string[]> {
  if (value === undefined) return {};
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    problems.push({ path: 'host-keys', message: 'must map hosts to their public keys, e.g. {"203.0.113.7": "ssh-ed25519 AAAA…"}' });
    return {};
  }
  const keys: Record<string, string[]> = {};
  for (const [host, given] of Object.entries(value as Record<string, unknown>)) {
    const lines: unknown[] = typeof given === 'string' ? [given] : Array.isArray(given) ? (given as unknown[]) : [undefined];
    const parsed = lines.map((line) => (typeof line === 'string' ? publicKeyLine(line) : undefined));
    if (parsed.includes(undefined) || parsed.length === 0) {
      problems.push({ path: `host-keys.${host}`, message: 'must be an OpenSSH public key line ("ssh-ed25519 AAAA…", as in ~/.ssh/known_hosts without the host) or a list of them' });
      continue;
    }
    keys[host] = parsed as string[];
  }
  return keys;
}
