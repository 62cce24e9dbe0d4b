import path from 'node:path';
import { validateCloudConfig, type CloudConfig } from '../../../cloudinit/index.js';
import { ConfigError, type Problem } from '../../errors/index.js';
import { countOf } from './hints.js';
import { readYamlFile } from './yaml-file.js';

export type CheckCloudConfigFileResult = { readonly ok: true; readonly config: CloudConfig } | CloudConfigFileFailure;

export interface CloudConfigFileFailure {
  readonly ok: false;
  readonly kind: 'missing' | 'unreadable' | 'malformed' | 'invalid';
  /** One line naming the file and what is wrong; `problems` (possibly none) list the details. */
  readonly summary: string;
  readonly problems: readonly Problem[];
  readonly cause?: unknown;
}

/**
 * Reads a cloud-config YAML file (`--cloud-config FILE`, or one an environment names) and
 * validates it: it must exist, parse, and be a mapping of cloud-config keys envboot
 * supports. A `#cloud-config` first line is allowed (it is a YAML comment); an empty
 * file is an empty cloud-config. Throws a `ConfigError` naming the file and listing
 * every problem, each with its path in the cloud-config (`write_files[0].path`).
 *
 * @example
 * const extra = await loadCloudConfigFile(options.cloudConfig);
 */
export async function loadCloudConfigFile(file: string): Promise<CloudConfig> {
  const result = await checkCloudConfigFile(file);
  if (!result.ok) {
    throw new ConfigError(result.summary, { problems: result.problems, ...(result.cause === undefined ? {} : { cause: result.cause }) });
  }
  return result.config;
}

/** Like `loadCloudConfigFile`, but returns what is wrong instead of throwing. */
export async function checkCloudConfigFile(file: string): Promise<CheckCloudConfigFileResult> {
  const absolute = path.resolve(file);
  const read = await readYamlFile(absolute);
  switch (read.kind) {
    case 'missing':
      return failed('missing', `no such file: ${absolute}`);
    case 'unreadable':
      return { ...failed('unreadable', `cannot read cloud-config file ${absolute}: ${read.message}`), cause: read.cause };
    case 'malformed':
      return failed('malformed', `cloud-config file ${absolute} is not valid YAML:`, [{ path: '', message: read.message }]);
    case 'parsed':
      break;
  }
  const checked = validateCloudConfig(read.document ?? {});
  if (checked.ok) return { ok: true, config: checked.config };
  const [only] = checked.problems;
  if (checked.problems.length === 1 && only?.path === '') {
    const message = `${only.message}${notCloudConfigHint(read.text)}`;
    return failed('invalid', `cloud-config file ${absolute} is not a cloud-config:`, [{ path: '', message }]);
  }
  return failed('invalid', `cloud-config file ${absolute} has ${countOf(checked.problems.length, 'problem')}:`, checked.problems);
}

function failed(kind: CloudConfigFileFailure['kind'], summary: string, problems: readonly Problem[] = []): CloudConfigFileFailure {
  return { ok: false, kind, summary, problems };
}

function notCloudConfigHint(text: string): string {
  if (text.startsWith('#!')) return '; this looks like a script: envboot takes #cloud-config YAML here (put commands under runcmd)';
  if (/^Content-Type:/im.test(text.slice(0, 200))) return '; MIME multipart user-data is not supported here: give the #cloud-config part only';
  return '';
}
