import path from 'node:path';
import type { CloudConfig } from '../../cloudinit/index.js';
import type { Problem } from '../../src/index.js';

/** Where a local machine can write: its own views of these directories; the rest is the host's, read-only. */
export const writableRoots = ['/etc', '/var', '/usr/local', '/opt', '/srv', '/home', '/root', '/tmp', '/run', '/dev/shm'] as const;

const packageKeys = ['packages', 'package_update', 'package_upgrade', 'apt'] as const;

/**
 * Checks a cloud-config against what a local machine can do, so that common code and the
 * CLI can refuse it before anything is created: no OS packages (machines share the host's
 * read-only /usr), only the `root` account (a user namespace maps a single uid), and
 * files only where the machine has a writable view. Returns every problem, each with
 * its path; an empty list means the config fits.
 *
 * @example
 * const problems = checkLocalCloudConfig({ packages: ['nginx'] });
 * // [{ path: 'packages', message: 'the local provider does not install OS packages; remove "packages" …' }]
 */
export function checkLocalCloudConfig(config: CloudConfig): Problem[] {
  const problems: Problem[] = [];
  for (const key of packageKeys) {
    if (config[key] === undefined || config[key] === false) continue;
    problems.push({
      path: key,
      message: `the local provider does not install OS packages (machines share the host's read-only /usr); remove "${key}", or install what you need on the host, or use a provider that can`,
    });
  }
  (config.users ?? []).forEach((user, index) => {
    const name = typeof user === 'string' ? user : user.name;
    if (name === 'default' || name === 'root') return;
    problems.push({
      path: `users[${index}]`,
      message: `local machines have only the root account (their user namespace maps one uid), so user "${name}" cannot be created; remove it, or use a cloud provider`,
    });
  });
  (config.write_files ?? []).forEach((file, index) => {
    if (isWritable(file.path)) return;
    problems.push({
      path: `write_files[${index}].path`,
      message: `${file.path} is on the host's read-only filesystem inside a local machine; write under ${writableRoots.join(', ')}`,
    });
  });
  return problems;
}

function isWritable(file: string): boolean {
  const normal = path.posix.normalize(file);
  return writableRoots.some((root) => normal.startsWith(`${root}/`));
}
