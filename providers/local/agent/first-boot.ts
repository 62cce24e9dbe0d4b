import { createWriteStream } from 'node:fs';
import { renderScript, type CloudConfig } from '../../../cloudinit/index.js';
import { execInMachine, type Holder } from './sandbox.js';

/** What the agent needs from the user-data before the machine's SSH server can start. */
export interface SshIdentity {
  readonly hostPrivateKey: string;
  readonly authorizedKeys: string[];
}

/** A reason the machine cannot boot; its message becomes the instance's status message. */
export class BootError extends Error {
  override readonly name = 'BootError';
}

/** The host key and login keys from the user-data; refuses a user-data without a host key. */
export function sshIdentityOf(config: CloudConfig): SshIdentity {
  const hostPrivateKey = config.ssh_keys?.ed25519_private;
  if (hostPrivateKey === undefined || hostPrivateKey.trim() === '') {
    throw new BootError(
      'the user-data has no ssh_keys.ed25519_private: a local machine serves SSH with the host key the user-data gives it; add one (and ed25519_public) and start a new machine',
    );
  }
  return { hostPrivateKey, authorizedKeys: [...(config.ssh_authorized_keys ?? [])] };
}

export interface ApplyUserDataParams {
  readonly holder: Holder;
  readonly config: CloudConfig;
  /** Where the script's output is appended on the host (like cloud-init-output.log). */
  readonly consoleLog: string;
  readonly signal: AbortSignal;
}

// The script arrives on stdin and runs from the machine's private /run with stdin closed,
// as cloud-init runs it: a command that reads stdin must not eat the rest of the script.
const runFromStdin =
  'umask 077; mkdir -p /run/envboot && cat > /run/envboot/first-boot.sh && /bin/sh /run/envboot/first-boot.sh </dev/null; ' +
  'status=$?; rm -f /run/envboot/first-boot.sh; exit $status';

/** How long the script's output may keep arriving after the script itself exited. */
const outputGraceMs = 200;

/**
 * Applies the user-data inside the machine as cloud-init would at first boot: the
 * cloud-config rendered as one shell script, run as root; it writes the nonce file last.
 * Rejects with the exit status and the tail of the output when the script fails.
 *
 * Settles when the script exits, not when its output ends: a process it started in the
 * background (`runcmd: ['sleep 300 &']`, a daemon) keeps that output open as long as it
 * runs. The output gets a short grace to drain, then is let go.
 */
export function applyUserData(params: ApplyUserDataParams): Promise<void> {
  const script = renderScript(params.config, { defaultUser: 'root' });
  // Throws when the machine is already stopped: before the log is opened, so nothing leaks.
  const child = execInMachine(params.holder, runFromStdin);
  const log = createWriteStream(params.consoleLog, { flags: 'a', mode: 0o600 });
  // The console log is a convenience: a failure to write it (directory removed, disk full)
  // must neither crash the agent nor fail the boot.
  log.on('error', () => undefined);
  const tail: string[] = [];
  const keep = (chunk: Buffer): void => {
    if (!log.destroyed) log.write(chunk);
    tail.push(...chunk.toString().split('\n').filter((line) => line.trim() !== ''));
    tail.splice(0, Math.max(0, tail.length - 5));
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  child.stdout?.on('error', () => undefined);
  child.stderr?.on('error', () => undefined);
  child.stdin?.on('error', () => undefined);
  child.stdin?.end(script);
  const onAbort = (): void => {
    try {
      if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) process.kill(-child.pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  };
  params.signal.addEventListener('abort', onAbort, { once: true });
  return new Promise((resolve, reject) => {
    let settled = false;
    let grace: NodeJS.Timeout | undefined;
    const settle = (outcome: () => void): void => {
      if (settled) return;
      settled = true;
      clearTimeout(grace);
      params.signal.removeEventListener('abort', onAbort);
      child.stdin?.destroy();
      child.stdout?.destroy();
      child.stderr?.destroy();
      log.end();
      outcome();
    };
    const finish = (code: number | null, signal: NodeJS.Signals | null): void => {
      settle(() => {
        if (code === 0) { resolve(); return; }
        const how = code === null ? `was killed by ${String(signal)}` : `failed with exit status ${code}`;
        reject(new BootError(`applying the user-data ${how}${tail.length === 0 ? '' : `: ${tail.join(' | ')}`}`));
      });
    };
    child.once('error', (error) => {
      settle(() => { reject(new BootError(`cannot run nsenter to configure the machine: ${error.message}`)); });
    });
    // 'close' comes once the output has ended too: right after the exit, unless a background process holds it.
    child.once('close', finish);
    child.once('exit', (code, signal) => {
      grace = setTimeout(() => { finish(code, signal); }, outputGraceMs);
    });
  });
}
