import { readFile, stat } from 'node:fs/promises';
import { ConfigError } from '../../errors/index.js';

/** More than any key line or .pub file: a file this big is not one, and is not read whole. */
const maxKeyFileBytes = 64 * 1024;

/**
 * What a `PUBLIC-KEY-LINE|FILE` argument holds: the argument itself when it reads as key
 * text (it has spaces, as `ssh-ed25519 AAAA… comment` has), else the content of the file
 * it names. `undefined` when `orSelector` and the argument names no file (a fingerprint or
 * a label, for `revoke`); otherwise a missing file is `CONFIG_INVALID` saying what to give.
 */
export async function readKeyArgument(argument: string, params: { what: string; orSelector?: boolean }): Promise<string | undefined> {
  if (/\s/.test(argument.trim()) || argument.includes('-----BEGIN')) return argument;
  let size: number;
  try {
    const found = await stat(argument);
    if (!found.isFile()) throw new ConfigError(`${params.what} "${argument}" is not a file; give an OpenSSH public key line or the path of a .pub file`);
    size = found.size;
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    if (params.orSelector === true) return undefined;
    throw new ConfigError(
      `${params.what} "${argument.slice(0, 200)}" is neither an OpenSSH public key line nor a file that can be read (${(error as NodeJS.ErrnoException).code ?? 'unreadable'}); ` +
        'give "ssh-ed25519 AAAA… comment" (quoted) or the path of a .pub file. Nothing was changed',
    );
  }
  if (size > maxKeyFileBytes) throw new ConfigError(`${params.what} "${argument}" is ${size} bytes, too large for a public key file; give the .pub file. Nothing was changed`);
  return readFile(argument, 'utf8');
}
