import { chmod, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { runCommand, type ScriptRun } from './run-script.js';
import { tempDir } from './temp-dir.js';

/**
 * Runs a shell snippet as root in a private mount namespace where /etc is a copy and
 * /home, /var/log and /run are empty, so that user accounts, sudoers and home
 * directories it creates never touch the test machine. Needs root and `unshare`.
 * Returns the snippet's output; the namespace (and every mount) ends with it.
 */
export async function runInSandboxedSystem(snippet: string): Promise<ScriptRun & { dir: string }> {
  const dir = await tempDir('envboot-sandbox-');
  await chmod(dir, 0o755);
  for (const sub of ['home', 'varlog']) await mkdir(path.join(dir, sub));
  const setup = [
    'set -e',
    'cp -a /etc "$SANDBOX/etc"',
    'mount --bind "$SANDBOX/etc" /etc',
    'mount --bind "$SANDBOX/home" /home',
    'mount --bind "$SANDBOX/varlog" /var/log',
    'mount -t tmpfs tmpfs /run',
    'set +e',
  ].join('\n');
  const run = await runCommand('unshare', ['--mount', '--propagation', 'private', '/bin/sh', '-c', `${setup}\n${snippet}`], {
    env: { ...process.env, SANDBOX: dir },
  });
  return { ...run, dir };
}
