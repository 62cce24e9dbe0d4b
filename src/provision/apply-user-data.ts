import { parseUserData, renderScript, type CloudConfig } from '../../cloudinit/index.js';
import { CancelledError, RemoteCommandError, throwIfCancelled } from '../errors/index.js';

/** Runs one command line on a machine (by `/bin/sh -c` or a login shell), its standard input given. */
export type MachineExec = (command: string, options: MachineExecOptions) => Promise<MachineExecResult>;

export interface MachineExecOptions {
  /** Written to the command's standard input, which is then closed. */
  readonly stdin: string;
  /** Aborted when the caller gives up: stop the command if you can. */
  readonly signal?: AbortSignal | undefined;
}

export interface MachineExecResult {
  /** The exit status; `null` when the command was killed by a signal. */
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface ApplyUserDataParams {
  /** The user-data `startInstance` was given (gzip and base64 are undone), or the cloud-config it holds. */
  readonly userData: Uint8Array | CloudConfig;
  /**
   * Runs a command on the machine as root or as a user with passwordless sudo: over your
   * cloud's agent, a serial console, `docker exec`, or SSH with a key of your own.
   */
  readonly exec: MachineExec;
  /** Whose `~/.ssh/authorized_keys` gets the keys: the Environ's `sshUser`. The account must exist. */
  readonly user: string;
  readonly signal?: AbortSignal | undefined;
}

export interface ApplyUserDataResult {
  /** The steps run, in order, e.g. `ssh_keys`, `ssh_authorized_keys ubuntu`, `write_files[0] /var/lib/envboot/nonce`. */
  readonly steps: readonly string[];
}

/** Where the script copies its output on the machine, as cloud-init's own output log. */
const logFile = '/var/log/envboot/user-data.log';

/**
 * Runs the script from a private temporary file, not from standard input: a command in
 * it must not read the rest of the script, and `sudo` re-runs the file as root.
 */
const runFromFile = [
  'umask 077',
  'f=$(mktemp "${TMPDIR:-/tmp}/envboot-user-data.XXXXXX") || exit 1',
  'cat > "$f" || { rm -f -- "$f"; exit 1; }',
  '/bin/sh "$f" < /dev/null; s=$?',
  'rm -f -- "$f"',
  'exit "$s"',
].join('\n');

const stepLine = /^envboot: \[\d+\/\d+\] (.*)$/;
const failedStep = /^envboot: step (.*) failed with exit status \d+$/;

/**
 * Applies envboot's user-data to a machine that does not run cloud-init, as cloud-init
 * would at first boot, over any way of running a command there: the host key pair into
 * `/etc/ssh`, the authorized keys into `user`'s `~/.ssh/authorized_keys` (0700/0600, the
 * user's own), and the nonce file (`/var/lib/envboot/nonce`, root's, 0600) last. It is
 * the cloud-config renderer's shell script (`renderScript`), run from a private temporary
 * file, re-run through `sudo -n` when `exec`'s user is not root. Idempotent: run it twice
 * and files are rewritten, keys are not added twice. Rejects with `REMOTE_COMMAND_FAILED`
 * naming the failed step (never the user-data itself), or `CANCELLED`.
 *
 * @example
 * await applyUserData({
 *   userData: params.userData, user: 'ubuntu',
 *   exec: (command, { stdin }) => myCloud.runCommand(machineId, { command, stdin }),
 * });
 */
export async function applyUserData(params: ApplyUserDataParams): Promise<ApplyUserDataResult> {
  throwIfCancelled(params.signal, 'applying the user-data');
  const config = params.userData instanceof Uint8Array ? parseUserData(params.userData) : params.userData;
  const script = renderScript(config, { sudo: true, defaultUser: params.user, logFile });
  const result = await params.exec(runFromFile, { stdin: script, signal: params.signal }).catch((error: unknown) => {
    // An exec that rejects (an abort, a lost connection) still ends in one of the two codes promised.
    if (params.signal?.aborted === true) throw new CancelledError('applying the user-data cancelled', { cause: error });
    throw new RemoteCommandError(`applying the user-data: the exec function failed before the script finished; run it again once the machine answers`, { cause: error });
  });
  if (params.signal?.aborted === true) throw new CancelledError('applying the user-data cancelled', { cause: params.signal.reason });
  const steps = result.stdout.split('\n').flatMap((line) => stepLine.exec(line)?.[1] ?? []);
  if (result.code === 0) return { steps };
  throw failure(result);
}

function failure(result: MachineExecResult): RemoteCommandError {
  const lines = result.stderr.split('\n').map((line) => line.trim()).filter((line) => line !== '');
  const step = lines.map((line) => failedStep.exec(line)?.[1]).findLast((name) => name !== undefined);
  const how = result.code === null ? 'was killed' : `failed with exit status ${result.code}`;
  const tail = lines.filter((line) => !failedStep.test(line)).slice(-5);
  const detail = tail.length === 0 ? '' : `: ${tail.join(' | ')}`;
  // Before the first step, the script itself could not start: usually sudo.
  const where = step === undefined ? ' before its first step (exec must run as root, or as a user with passwordless sudo)' : ` at step ${step}`;
  return new RemoteCommandError(`applying the user-data ${how}${where}${detail}`, {
    ...(result.code === null ? {} : { exitCode: result.code }),
    outputTail: tail,
  });
}
