import { CloudConfigError } from './cloud-config-error.js';
import { checkBoolean, checkCommand, checkKeys, checkList, checkString, describe, isRecord, ProblemList } from './checks.js';
import type { CloudConfig } from './model.js';
import { checkWriteFile } from './validate-files.js';
import { checkApt, checkPackage } from './validate-packages.js';
import { checkAuthorizedKeys, checkHostKeys, checkUser } from './validate-users.js';

type Check = (value: unknown, path: string, problems: ProblemList) => void;

const listOf =
  (each: Check): Check =>
  (value, path, problems) => {
    checkList(value, path, problems, (item, itemPath) => {
      each(item, itemPath, problems);
    });
  };

/** Every supported top-level key and its check, in cloud-init's order of application. */
const topLevel: Readonly<Record<keyof CloudConfig, Check>> = {
  bootcmd: listOf(checkCommand),
  write_files: listOf(checkWriteFile),
  users: listOf(checkUser),
  ssh_authorized_keys: checkAuthorizedKeys,
  ssh_keys: checkHostKeys,
  apt: checkApt,
  package_update: checkBoolean,
  package_upgrade: checkBoolean,
  packages: listOf(checkPackage),
  runcmd: listOf(checkCommand),
  final_message: (value, path, problems) => checkString(value, path, problems),
};

export const supportedKeys = Object.keys(topLevel) as (keyof CloudConfig)[];

export type ValidateCloudConfigResult =
  | { readonly ok: true; readonly config: CloudConfig }
  | { readonly ok: false; readonly problems: readonly { readonly path: string; readonly message: string }[] };

/**
 * Checks that `input` (a plain object, or parsed cloud-config YAML) is a cloud-config
 * envboot can render, and reports every problem at once, each with its path, e.g.
 * `write_files[2].permissions: must be an octal string like "0644"`.
 */
export function validateCloudConfig(input: unknown): ValidateCloudConfigResult {
  const problems = new ProblemList();
  if (!isRecord(input)) {
    problems.add('', `a cloud-config must be a mapping of keys such as write_files and runcmd, got ${describe(input)}`);
    return { ok: false, problems: problems.items };
  }
  checkKeys(input, supportedKeys, '', problems);
  for (const [key, check] of Object.entries(topLevel)) {
    if (input[key] !== undefined) check(input[key], key, problems);
  }
  return problems.items.length === 0 ? { ok: true, config: input } : { ok: false, problems: problems.items };
}

/** Like `validateCloudConfig`, but throws a `CloudConfigError` (code `CONFIG_INVALID`) listing every problem. */
export function assertValidCloudConfig(input: unknown, what = 'cloud-config'): CloudConfig {
  const result = validateCloudConfig(input);
  if (!result.ok) throw new CloudConfigError(`invalid ${what}; fix these and try again:`, { problems: result.problems });
  return result.config;
}
