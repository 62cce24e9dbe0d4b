import { spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { assertValidCloudConfig, renderScript, type CloudConfig } from '../../../cloudinit/index.js';

/** Why a fake machine did not boot, in words safe to show: never the user-data itself. */
export class BootFailure extends Error {}

/**
 * Keys a fake machine does not apply. Accounts (`users`, `ssh_authorized_keys`) would act
 * on the account database of the host running the tests, not on the machine's own
 * directory; the machine's SSH server takes the authorized keys from the user-data
 * directly instead.
 */
const accountKeys: ReadonlySet<string> = new Set(['users', 'ssh_authorized_keys']);

export interface ApplyUserDataParams {
  readonly config: CloudConfig;
  /** The machine's root directory: every file path of the config lands under it. */
  readonly root: string;
  /** The user `'default'` means. */
  readonly defaultUser: string;
  /** Stops the script (its whole process group) when aborted. */
  readonly signal: AbortSignal;
}

/**
 * Applies a cloud-config the way cloud-init does at first boot, with envboot's own script
 * renderer, run by `/bin/sh` on this host under the machine's root: host keys, files
 * (the deferred nonce last but for runcmd), commands. Throws a `BootFailure` naming the
 * failed step, or saying why the config cannot be applied here (packages: the fake cloud
 * declares `packageInstallation: false`).
 */
export async function applyUserData(params: ApplyUserDataParams): Promise<void> {
  const config = machineConfig(params.config);
  const script = renderScript(config, { rootPrefix: params.root, defaultUser: params.defaultUser });
  // From a file, not standard input, so that a command reading stdin cannot eat the script.
  const file = path.join(params.root, 'var/lib/cloud/instance/envboot-user-data.sh');
  // /var/lib is open to every user on a real machine; only cloud-init's own directory is not.
  await mkdir(path.join(params.root, 'var/lib'), { recursive: true, mode: 0o755 });
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  await writeFile(file, script, { mode: 0o600 });
  const { status, stderr } = await runScript({ file, root: params.root, signal: params.signal });
  if (status !== 0 && !params.signal.aborted) {
    const failedStep = stderr.split('\n').findLast((line) => /^envboot: step .* failed with exit status \d+$/.test(line));
    throw new BootFailure(`cloud-init failed: ${failedStep ?? `the user-data script exited with status ${String(status)}`}`);
  }
}

function machineConfig(config: CloudConfig): CloudConfig {
  const packages = config.packages ?? [];
  if (packages.length > 0 || config.package_update === true || config.package_upgrade === true || config.apt !== undefined) {
    throw new BootFailure(
      'cloud-init failed: the user-data asks for packages or apt sources, which fake machines cannot install (packageInstallation is false)',
    );
  }
  return assertValidCloudConfig(Object.fromEntries(Object.entries(config).filter(([key]) => !accountKeys.has(key))));
}

function runScript(params: { file: string; root: string; signal: AbortSignal }): Promise<{ status: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('/bin/sh', [params.file], {
      cwd: params.root,
      env: { ...process.env, ENVBOOT_ROOT: params.root, HOME: params.root },
      stdio: ['ignore', 'ignore', 'pipe'],
      // Its own process group, so that stopping the machine ends everything the script started.
      detached: true,
    });
    const kill = (): void => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    };
    params.signal.addEventListener('abort', kill, { once: true });
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-4_096);
    });
    child.on('error', (error) => {
      params.signal.removeEventListener('abort', kill);
      reject(error);
    });
    child.on('close', (status) => {
      params.signal.removeEventListener('abort', kill);
      resolve({ status, stderr });
    });
  });
}
