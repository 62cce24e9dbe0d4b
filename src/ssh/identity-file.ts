import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';
import { ConfigError } from '../errors/index.js';

/** A key file path as OpenSSH takes it: `~/` is the home directory, anything else relative to the working directory. */
export function expandKeyPath(file: string): string {
  return file.startsWith('~/') ? path.join(homedir(), file.slice(2)) : path.resolve(file);
}

/**
 * Reads a private key file (`identity-file`, `--identity`). An unreadable file is
 * `CONFIG_INVALID` naming the path and `fix` (what to change), never the file's content.
 *
 * @example
 * const { privateKey } = await readIdentityFile({ file: '~/.ssh/bastion', fix: 'fix jump-host\'s "identity-file"' });
 */
export async function readIdentityFile(params: { file: string; fix: string }): Promise<{ privateKey: string; path: string }> {
  const expanded = expandKeyPath(params.file);
  try {
    return { privateKey: await readFile(expanded, 'utf8'), path: expanded };
  } catch (error) {
    throw new ConfigError(`cannot read the identity file ${expanded}: ${(error as NodeJS.ErrnoException).code ?? String(error)}; ${params.fix}`, { cause: error });
  }
}
