import { accessSync, constants, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { quoteIfNeeded } from '../../cloudinit/script/shell-quote.js';

/** The command's name where it is installed on the PATH. */
export const commandName = 'envboot';

export interface InvocationNameParams {
  /**
   * The script node is running (`process.argv[1]`): a checkout's `bin/envboot`, npm's
   * `node_modules/.bin/envboot` link, or `dist/src/cli/main.js` itself, as it was called.
   */
  readonly script: string | undefined;
  /** `$PATH`. */
  readonly path: string | undefined;
  /** Where relative PATH entries and a relative script are found. */
  readonly cwd: string;
}

/**
 * How the operator runs this envboot again, for the commands its hints suggest
 * ("Next: envboot status demo"): `envboot` when the `envboot` the shell finds on the
 * PATH is this same install (the same file, once links are followed); otherwise the
 * script as it was called, absolute so it still works from another directory, and
 * quoted for the shell when it needs to be (`'/home/me/my tools/envboot/bin/envboot'`),
 * behind `node` when the file is not executable. A plain `envboot` would run another
 * install (perhaps an older one) or nothing at all ("command not found").
 *
 * @example
 * invocationName({ script: process.argv[1], path: process.env['PATH'], cwd: process.cwd() });
 * // 'envboot' after `export PATH="$PWD/bin:$PATH"`; '/work/envboot/bin/envboot' without it
 */
export function invocationName(params: InvocationNameParams): string {
  if (params.script === undefined || params.script === '') return commandName;
  const script = path.resolve(params.cwd, params.script);
  const onPath = findOnPath({ command: commandName, path: params.path, cwd: params.cwd });
  if (onPath !== undefined && realPath(onPath) === realPath(script)) return commandName;
  const word = quoteIfNeeded(script);
  return isExecutable(script) ? word : `node ${word}`;
}

/** The file the shell runs for `command`: the first executable regular file of that name in a PATH directory. */
export function findOnPath(params: { readonly command: string; readonly path: string | undefined; readonly cwd: string }): string | undefined {
  if (params.path === undefined) return undefined;
  // An empty PATH entry is the current directory, as sh reads it.
  for (const dir of params.path.split(path.delimiter)) {
    const candidate = path.resolve(params.cwd, dir, params.command);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

function realPath(file: string): string | undefined {
  try {
    return realpathSync(file);
  } catch {
    return undefined;
  }
}
