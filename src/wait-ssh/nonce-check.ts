import { timingSafeEqual } from 'node:crypto';
import { shellQuote } from '../../cloudinit/index.js';
import { BootFailedError, NonceUnreadableError, RemoteCommandError, type NonceUnreadableReason } from '../errors/index.js';
import { execUnlessRefused, type RefusedLogin, type SshConnection } from '../ssh/index.js';

export const defaultNonceFile = '/var/lib/envboot/nonce';

/** What the machine's nonce file says: ours, another, or nothing yet. */
export type NonceState = 'match' | 'mismatch' | 'absent';

// Exit statuses of the read script; anything else is an unexpected failure (retried).
const absent = 3;
const noSudo = 4;
const sudoRefused = 5;
const readFailed = 6;
const bootFailed = 7;

/**
 * Shell functions both halves of the read script use (the direct read, and the one run
 * through sudo when a directory hides the nonce). `cloud_init_failed` is true when
 * cloud-init's status.json, rewritten at the start and end of every stage, lists an error
 * in any stage: a module failed, and cloud-init goes on but the machine is not what its
 * user-data asked for. Only `errors` counts: 23.4+ also lists `recoverable_errors`
 * (warnings, deprecations: "degraded"), which leave a working machine. `[ -e ]` is a shell
 * builtin, so a machine without cloud-init spawns nothing for it.
 */
function cloudInitChecks(cis: string): string {
  return [
    `cis=${cis}`,
    'cloud_init_failed() { [ -e "$cis/status.json" ] && grep -Eq \'"errors": *\\[ *("|$)\' "$cis/status.json" 2>/dev/null; }',
  ].join('\n');
}

/**
 * What a missing nonce means: not yet, or never. cloud-init writes result.json as the very
 * last thing it does, after the nonce (a deferred write_files entry): a missing nonce with
 * result.json present is a boot that finished without it. A stage that ended with errors
 * before the nonce was written is a boot gone wrong too, found as soon as status.json
 * says so rather than when cloud-init finishes. Then its verdict is printed (the JSON
 * itself, which lists cloud-init's errors: `cloud-init status` is a Python start, seconds
 * on a small machine still busy booting) with the last lines of its output log (the
 * default user is in adm, which may read it; else through sudo), and the read ends as
 * `bootFailed`. A machine without cloud-init has neither file: nothing more is run, and
 * the answer is "absent" as before. 22.x has no meaningful status exit code, so none is
 * relied on.
 */
function absentOrFailed(sudo: string): string {
  // The root is the one cloud-init's directory is under (a test host's, through sudo too).
  const log = '"${cis%/run/cloud-init}"/var/log/cloud-init-output.log';
  const tail = [
    `  echo "last lines of /var/log/cloud-init-output.log:"`,
    `  tail -n 15 ${log} 2>/dev/null${sudo === '' ? '' : ` || ${sudo} tail -n 15 ${log} 2>/dev/null`}`,
    `  exit ${bootFailed}`,
  ];
  return [
    'if [ -e "$cis/result.json" ]; then',
    '  echo "cloud-init finished without writing the nonce:"',
    '  head -c 4096 "$cis/result.json"; echo',
    ...tail,
    'elif cloud_init_failed; then',
    '  echo "cloud-init reported errors before writing the nonce (status.json):"',
    '  head -c 4096 "$cis/status.json"; echo',
    ...tail,
    'fi',
    `exit ${absent}`,
  ].join('\n');
}

/**
 * The nonce is written by cloud-init, as root, mode 0600 (it proves which machine this
 * is, so it is not for every local user to read). On a cloud the SSH user is the image's
 * non-root default user with passwordless sudo, so the file is read through `sudo -n`
 * when, and only when, it is not readable directly: root, and machines whose nonce is the
 * login user's, cost no sudo. The machine cloud-init prepared is the one that gives its
 * default user sudo, so relying on it asks nothing a cloud image does not already have.
 *
 * While the file is not there yet the script waits for it on the machine, up to `waitMs`,
 * checking every 100 ms: the wait reacts within 0.1 s of cloud-init's last step, with no
 * round trip and no sudo per check (sudo costs a booting machine 0.3-0.6 s of CPU each).
 * cloud-init writes the file 0644 and only then makes it 0600, so a direct read that
 * loses that race falls through to sudo rather than failing. `ENVBOOT_ROOT` prefixes the
 * path where a test host sets it; the path reaches sudo as an argument, since sudo resets
 * the environment.
 */
function readScript(nonceFile: string, waitMs: number): string {
  const ticks = Math.max(0, Math.ceil(waitMs / 100));
  // GNU and busybox sleep take fractions; a POSIX-only sleep fails at once, and then a whole
  // second counts as ten ticks. The same wait runs as root when a directory hides the file.
  // The wait also ends when cloud-init has finished (result.json) or reported an error: the nonce will not come, or not from a sound boot.
  const waitFor = (file: string): string =>
    `n=0; while [ ! -e "${file}" ] && [ ! -e "$cis/result.json" ] && ! cloud_init_failed && [ "$n" -lt ${ticks} ]; do if sleep 0.1 2>/dev/null; then n=$((n + 1)); else sleep 1; n=$((n + 10)); fi; done`;
  // sudo resets the environment: the directory arrives as an argument, like the nonce file.
  const asRoot = `${cloudInitChecks('"$2"')}\n${waitFor('$1')}; if [ -e "$1" ]; then cat -- "$1" || exit ${readFailed}; exit 0; fi\n${absentOrFailed('')}`;
  return [
    cloudInitChecks('"${ENVBOOT_ROOT:-}"/run/cloud-init'),
    `f="\${ENVBOOT_ROOT:-}"${shellQuote(nonceFile)}`,
    // A directory on the way that this user cannot search hides the file: only sudo can tell.
    'hidden=; p=$f; while [ "${p%/*}" != "$p" ]; do p=${p%/*}; if [ -d "${p:-/}" ] && [ ! -x "${p:-/}" ]; then hidden=1; fi; done',
    'if [ -z "$hidden" ]; then',
    `  ${waitFor('$f')}`,
    `  if [ ! -e "$f" ]; then`,
    absentOrFailed('sudo -n'),
    '  fi',
    '  if [ -f "$f" ] && [ -r "$f" ] && cat -- "$f" 2>/dev/null; then exit 0; fi',
    'fi',
    `if [ "$(id -u)" = 0 ]; then echo "$f is not a readable file" >&2; exit ${readFailed}; fi`,
    `command -v sudo >/dev/null 2>&1 || exit ${noSudo}`,
    // One sudo: the inner script never exits 1, so 1 is sudo's own refusal (its reason on stderr).
    `sudo -n /bin/sh -c ${shellQuote(asRoot)} envboot-nonce "$f" "$cis"`,
    `s=$?; if [ "$s" -eq 1 ]; then exit ${sudoRefused}; fi; exit "$s"`,
  ].join('\n');
}

/**
 * Reads the nonce file over a verified connection and compares it with the expected
 * nonce in constant time. cloud-init writes the file as its last step, so `absent` means
 * "our machine, perhaps, but not finished booting". Only a readable nonce that differs is
 * `mismatch`; a file this user cannot read (no sudo, sudo wants a password, the login is
 * refused by cloud-init's forced command) is `SSH_NONCE_UNREADABLE`, which no retry can
 * cure. An unexpected failure is `REMOTE_COMMAND_FAILED` (worth another try).
 */
export async function readNonceState(params: {
  connection: SshConnection;
  nonce: string;
  nonceFile: string;
  /** How long the machine waits for a missing file before answering `absent`. Default 0. */
  waitMs?: number | undefined;
  signal: AbortSignal;
}): Promise<NonceState> {
  const { connection } = params;
  const ran = await execUnlessRefused(connection, { command: readScript(params.nonceFile, params.waitMs ?? 0), signal: params.signal });
  if ('refused' in ran) throw unreadable(params, 'login-refused', ran.refused);
  const { result } = ran;
  const stdout = result.stdout.toString('utf8');
  const stderr = result.stderr.toString('utf8').trim();
  if (result.exitCode === absent) return 'absent';
  if (result.exitCode === noSudo) throw unreadable(params, 'no-sudo', stderr);
  if (result.exitCode === sudoRefused) throw unreadable(params, 'sudo-refused', stderr);
  if (result.exitCode === readFailed) throw unreadable(params, 'read-failed', stderr);
  if (result.exitCode === bootFailed) {
    throw new BootFailedError(`${connection.address}: the machine's boot failed: ${verdictOf(stdout)}`, { address: connection.address });
  }
  if (result.exitCode !== 0) {
    throw new RemoteCommandError(
      `${connection.address}: reading ${params.nonceFile} as ${connection.user} failed (${result.exitCode === undefined ? `killed by ${String(result.exitSignal)}` : `exit ${result.exitCode}`})${stderr === '' ? '' : `: ${oneLine(stderr)}`}`,
      { address: connection.address, ...(result.exitCode === undefined ? {} : { exitCode: result.exitCode }) },
    );
  }
  const found = Buffer.from(stdout.trim());
  // An empty file is one being written right now (truncated, not yet filled): not yet, not wrong.
  if (found.length === 0) return 'absent';
  const expected = Buffer.from(params.nonce);
  return found.length === expected.length && timingSafeEqual(found, expected) ? 'match' : 'mismatch';
}

function unreadable(params: { connection: SshConnection; nonceFile: string }, reason: NonceUnreadableReason, found: string | RefusedLogin): NonceUnreadableError {
  const { address, user } = params.connection;
  const file = params.nonceFile;
  const detail = typeof found === 'string' ? found : found.text;
  const suggestedUser = typeof found === 'string' ? undefined : found.suggestedUser;
  const lead = `${address}: cannot read the nonce file ${file} as ${user}`;
  const said = detail === '' ? '' : ` (${oneLine(detail)})`;
  const why: Record<NonceUnreadableReason, string> = {
    'login-refused': `: the machine refuses logins as ${user}${said}; log in as ${suggestedUser ?? "the image's default user"} instead (the provider's SSH user or default-user setting)`,
    'no-sudo': `: only root can read it and sudo is not installed; use an image whose default user has sudo, or log in as root`,
    'sudo-refused': `: only root can read it and ${user} cannot use sudo without a password${said}; give ${user} passwordless sudo (cloud-init's default user has it) or log in as the image's default user`,
    'read-failed': `: reading it failed${said}; check the file on the machine`,
  };
  return new NonceUnreadableError(`${lead}${why[reason]}`, {
    address,
    reason,
    user,
    file,
    ...(suggestedUser === undefined ? {} : { suggestedUser }),
  });
}

function oneLine(text: string): string {
  const line = text.trim().split('\n').filter((l) => l.trim() !== '').join(' / ');
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}


/**
 * cloud-init's verdict as the machine printed it, for an error message: control
 * characters dropped, at most 4 KiB. It holds no secret of envboot's: the nonce was never
 * written, and cloud-init's status and output log do not print the user-data.
 */
function verdictOf(stdout: string): string {
  // eslint-disable-next-line no-control-regex
  const printable = stdout.replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '').trim();
  return printable.length <= 4096 ? printable : `${printable.slice(0, 4096)}…`;
}
