import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { chown, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CancelledError, ConfigError, type PreflightResult } from '../../src/index.js';
import { firstMachineId } from './agent/sandbox-ids.js';
import { removeTree } from './remove-tree.js';
import { findTool } from '../../src/host/index.js';

const probeScript = [
  'mkdir "$1/lower" "$1/upper" "$1/work" "$1/merged"',
  'if err=$(mount -t overlay overlay -o "lowerdir=$1/lower,upperdir=$1/upper,workdir=$1/work,userxattr" "$1/merged" 2>&1); then echo overlay-ok; else echo "overlay-no $err"; fi',
].join('\n');

/** The tools a machine's sandbox is made and entered with, and the package each comes in. */
const tools: readonly { name: string; from: string }[] = [
  { name: 'unshare', from: 'util-linux' },
  { name: 'nsenter', from: 'util-linux' },
  { name: 'setpriv', from: 'util-linux' },
  { name: 'timeout', from: 'coreutils' },
];

/** An id of the range machines get as real root, for the probe. */
const probeId = firstMachineId;

/**
 * Checks that this host can make local machines, creating nothing that outlives the
 * check: the tools, and a user, mount and PID namespace with its own /proc made by an
 * unprivileged id (as real root too: a machine's root is an id range of its own, not
 * root). Throws `CONFIG_INVALID` naming the cause and the fix; a missing overlayfs only
 * warns (machines then get plain directories).
 */
export async function checkSandboxSupport(signal?: AbortSignal): Promise<PreflightResult> {
  const missing = tools.filter((tool) => findTool(tool.name) === undefined);
  if (missing.length > 0) {
    const packages = [...new Set(missing.map((tool) => tool.from))];
    throw new ConfigError(
      `the local provider needs ${missing.map((tool) => tool.name).join(', ')}, not found on PATH; install ${packages.join(' and ')} (e.g. apt-get install ${packages.join(' ')})`,
    );
  }
  const scratch = await mkdtemp(path.join(tmpdir(), 'envboot-local-preflight-'));
  try {
    const args = ['--user', '--map-root-user', '--mount', '--pid', '--uts', '--fork', '--mount-proc', '--propagation', 'private'];
    const probe = [...args, '--', '/bin/sh', '-c', probeScript, 'probe', scratch];
    const asRoot = process.getuid?.() === 0;
    if (asRoot) await chown(scratch, probeId, probeId);
    const result = asRoot
      ? await run('setpriv', [`--reuid=${probeId}`, `--regid=${probeId}`, '--clear-groups', '--', 'unshare', ...probe], signal)
      : await run('unshare', probe, signal);
    if (result.error !== undefined) throw new ConfigError(namespaceFailure(result.stderr), { cause: result.error });
    const overlay = result.stdout.trim();
    const namespaces = { name: 'sandboxes', status: 'ok' as const, detail: 'user, mount, PID and UTS namespaces can be made here' };
    if (overlay.startsWith('overlay-ok')) return { warnings: [], checks: [namespaces, { name: 'overlayfs', status: 'ok', detail: 'copy-on-write views of the host' }] };
    return {
      checks: [namespaces],
      warnings: [
        `overlayfs is not available in user namespaces here (${overlay.replace(/^overlay-no\s*/, '') || 'no reason given'}): ` +
          "local machines get empty /usr/local, /opt and /srv instead of copy-on-write views of the host's",
      ],
    };
  } finally {
    await removeTree(scratch);
  }
}

/** The cause of a failed `unshare`, with the setting that fixes it. */
export function namespaceFailure(stderr: string, read: (file: string) => string | undefined = readSetting): string {
  const lead = `this host cannot make local machines: unshare --user --mount --pid --uts failed (${stderr.trim() || 'no message'})`;
  if (read('/proc/sys/user/max_user_namespaces') === '0') {
    return `${lead}; user namespaces are disabled: sysctl user.max_user_namespaces is 0 (raise it: sudo sysctl -w user.max_user_namespaces=15000)`;
  }
  if (read('/proc/sys/kernel/unprivileged_userns_clone') === '0') {
    return `${lead}; unprivileged user namespaces are disabled (enable them: sudo sysctl -w kernel.unprivileged_userns_clone=1)`;
  }
  if (read('/proc/sys/kernel/apparmor_restrict_unprivileged_userns') === '1') {
    return (
      `${lead}; AppArmor restricts unprivileged user namespaces (kernel.apparmor_restrict_unprivileged_userns=1): ` +
      'allow them with sudo sysctl -w kernel.apparmor_restrict_unprivileged_userns=0, or give node an AppArmor profile with "userns,"'
    );
  }
  return `${lead}; inside a container, allow user namespaces (e.g. a seccomp profile permitting unshare/clone with CLONE_NEWUSER), or use another provider`;
}


function readSetting(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    return undefined;
  }
}

function run(command: string, args: string[], signal?: AbortSignal): Promise<{ stdout: string; stderr: string; error?: Error }> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { timeout: 10_000, ...(signal === undefined ? {} : { signal }) }, (error, stdout, stderr) => {
      if (signal?.aborted === true) { reject(new CancelledError('local provider preflight cancelled', { cause: signal.reason })); return; }
      resolve({ stdout, stderr, ...(error === null ? {} : { error }) });
    });
  });
}
