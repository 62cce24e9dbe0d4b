import { readFile } from 'node:fs/promises';
import { ConfigError, type Problem } from '../../errors/index.js';
import { expandKeyPath, isKeyType, keyLineFields, publicKeyLine } from '../../ssh/index.js';

/**
 * The host public keys `--host-key` values give, as `type base64` lines. A value is a key
 * line (`ssh-ed25519 AAAA… comment`) or a file of them, one a line: blank lines and `#`
 * comments are skipped, and known_hosts lines (`host ssh-ed25519 AAAA…`, as `ssh-keyscan`
 * prints them) are read too. Every bad value is reported at once, with `CONFIG_INVALID`:
 * a malformed line (by file and line number: a file's content is never echoed, in case it
 * is a private key), an unreadable or empty file.
 *
 * @example
 * await readHostKeys(['ssh-ed25519 AAAAC3Nza… root@web', './web-1.pub']);
 */
export async function readHostKeys(values: readonly string[]): Promise<string[]> {
  const problems: Problem[] = [];
  const keys: string[] = [];
  for (const value of values) {
    const read = await keysOf(value);
    if ('problem' in read) problems.push({ path: '--host-key', message: read.problem });
    else keys.push(...read.keys);
  }
  if (problems.length > 0) {
    throw new ConfigError('--host-key takes a host public key line or a file of them ("ssh-keyscan -t ed25519 HOST > key" through a trusted path, or the machine\'s console)', { problems });
  }
  return [...new Set(keys)];
}

async function keysOf(value: string): Promise<{ keys: string[] } | { problem: string }> {
  const firstField = keyLineFields(value).type;
  if (isKeyType(firstField)) {
    const key = publicKeyLine(value);
    return key === undefined ? { problem: `"${shorten(value)}" is not a valid ${firstField} public key line` } : { keys: [key] };
  }
  if (value.includes('PRIVATE KEY')) return { problem: 'a private key was given: give the host\'s public key (the .pub file, or its line)' };
  const file = expandKeyPath(value);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    return { problem: `cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? String(error)}): give a public key line or a readable file of them` };
  }
  if (text.includes('PRIVATE KEY')) return { problem: `${file} holds a private key: give the host's public key (the .pub file)` };
  const bad: number[] = [];
  const keys: string[] = [];
  text.split('\n').forEach((line, index) => {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    const key = publicKeyLine(trimmed) ?? publicKeyLine(trimmed.replace(/^\S+\s+/, ''));
    if (key === undefined) bad.push(index + 1);
    else keys.push(key);
  });
  if (bad.length > 0) return { problem: `${file}: line ${bad.join(', ')} ${bad.length === 1 ? 'is not a public key line' : 'are not public key lines'}` };
  if (keys.length === 0) return { problem: `${file} holds no public key line` };
  return { keys };
}

function shorten(text: string): string {
  const trimmed = text.trim();
  return trimmed.length > 48 ? `${trimmed.slice(0, 48)}…` : trimmed;
}
