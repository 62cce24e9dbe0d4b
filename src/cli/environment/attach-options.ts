import { stat } from 'node:fs/promises';
import path from 'node:path';
import yaml from 'js-yaml';
import { ConfigError, type Problem } from '../../errors/index.js';

/** What `envboot attach` was told about where the environment is, as given on the command line. */
export interface AttachLocationFlags {
  /** `--region`, `--bucket`, `--prefix`: the provider options of those names, taken as strings. */
  readonly region?: string | undefined;
  readonly bucket?: string | undefined;
  readonly prefix?: string | undefined;
  /** Each `--option KEY=VALUE`: any other provider option, VALUE read as YAML (`true`, `[a, b]`, `{host: …}`). */
  readonly option?: readonly string[] | undefined;
}

const optionKey = /^[a-z][a-z0-9-]*$/;

/**
 * The provider options the flags give, as environments.yaml's `options:` would hold them
 * (kebab-case keys), for the provider's own `validateConfig` to check; undefined when no
 * flag was given. Malformed flags are `CONFIG_INVALID`, every problem at once.
 *
 * @example
 * optionsFromFlags({ region: 'eu-west-1', bucket: 'acme-state', option: ['profile=ops'] });
 * // { region: 'eu-west-1', bucket: 'acme-state', profile: 'ops' }
 */
export function optionsFromFlags(flags: AttachLocationFlags): Record<string, unknown> | undefined {
  const options: Record<string, unknown> = {};
  const problems: Problem[] = [];
  const set = (key: string, value: unknown, flag: string): void => {
    if (key in options) problems.push({ path: flag, message: `the provider option "${key}" is given twice; give it once` });
    else options[key] = value;
  };
  for (const key of ['region', 'bucket', 'prefix'] as const) {
    const value = flags[key];
    if (value !== undefined) set(key, value, `--${key}`);
  }
  for (const given of flags.option ?? []) {
    const at = given.indexOf('=');
    const key = at < 0 ? given : given.slice(0, at);
    if (at < 0 || !optionKey.test(key)) {
      problems.push({ path: '--option', message: `"${given}" is not KEY=VALUE with a provider option's name as KEY (e.g. --option profile=ops)` });
      continue;
    }
    const value = readValue(given.slice(at + 1));
    if (value === undefined) problems.push({ path: '--option', message: `the value of "${key}" is not valid YAML; quote it, e.g. --option '${key}="…"'` });
    else set(key, value, '--option');
  }
  if (problems.length > 0) throw new ConfigError('the provider options given to attach are not valid', { problems });
  return Object.keys(options).length === 0 ? undefined : options;
}

/** A flag's value as YAML reads it (JSON's types only: no dates); '' stays ''. Undefined when it does not parse. */
function readValue(text: string): unknown {
  if (text.trim() === '') return text;
  try {
    return yaml.load(text, { schema: yaml.JSON_SCHEMA }) ?? null;
  } catch {
    return undefined;
  }
}

/** Where `--data-dir` leads: the provider data directory, and why it holds no environment when it does not. */
export interface LocatedDataDir {
  readonly dir: string;
  /** `CONFIG_INVALID` to throw once it is known that the provider keeps provider-state on this host (for ec2, --data-dir is the mistake). */
  readonly problem?: ConfigError;
}

/**
 * The provider data directory (the one holding `storage/`, provider-state's folder) that
 * `--data-dir` names: the environment directory of the client that bootstrapped it
 * (`…/environments/NAME`), its `provider` folder, or the storage folder that client's
 * `envboot status` shows as provider-state. When it is none of them, the directory as
 * given, with the problem to report.
 */
export async function providerDataDir(params: { given: string; cwd: string; home: string }): Promise<LocatedDataDir> {
  const expanded = params.given === '~' || params.given.startsWith('~/') ? path.join(params.home, params.given.slice(1)) : params.given;
  const dir = path.resolve(params.cwd, expanded);
  const candidates = [path.join(dir, 'provider'), dir, ...(path.basename(dir) === 'storage' ? [path.dirname(dir)] : [])];
  for (const candidate of candidates) {
    if (await isDirectory(path.join(candidate, 'storage'))) return { dir: candidate };
  }
  const problem = new ConfigError(
    `no environment found at ${dir}: it holds no provider-state (looked for ${path.join(dir, 'provider', 'storage')} and ${path.join(dir, 'storage')}); ` +
      'give --data-dir the environment directory of the client that bootstrapped it, e.g. ~/.local/share/envboot/environments/NAME ' +
      '(that client\'s "envboot status NAME" shows its provider-state folder)',
  );
  return { dir, problem };
}

async function isDirectory(file: string): Promise<boolean> {
  return (await stat(file).catch(() => undefined))?.isDirectory() === true;
}
