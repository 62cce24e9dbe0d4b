// Direct module path, not the package root: the agent stays lean without the whole library.
import { shellQuote as quote } from '../../../cloudinit/index.js';
import { sttyArgumentsOf } from './terminal-modes.js';

/** A terminal's size in characters. */
export interface TerminalSize {
  readonly cols: number;
  readonly rows: number;
}

/** What an SSH `pty-req` asked for. */
export interface PtyRequest {
  /** `TERM` for the session; empty leaves it unset. */
  readonly term: string;
  readonly size: TerminalSize;
  /** Terminal modes by ssh2's names (`VINTR`, `ECHO`, …). */
  readonly modes: Readonly<Record<string, number | undefined>>;
}

/**
 * Where each pty session notes, inside the machine, its shell's pid and its terminal, for
 * the window changes and signals that come later. /run is the machine's own tmpfs.
 */
const recordDir = '/run/envboot/pty';

/** root's login shell from the machine's passwd database, as sshd finds it; /bin/sh when it has none. */
const findLoginShell = 'shell=$(getent passwd root 2>/dev/null | cut -d: -f7)\n[ -n "$shell" ] && [ -x "$shell" ] || shell=/bin/sh\nSHELL=$shell\nexport SHELL';

/** Clamps a client's size to what a terminal holds (an unsigned 16-bit number of rows and columns). */
export function terminalSize(cols: number, rows: number): TerminalSize {
  const clamp = (n: number): number => (Number.isFinite(n) ? Math.min(Math.max(Math.trunc(n), 0), 65_535) : 0);
  return { cols: clamp(cols), rows: clamp(rows) };
}

/** Runs root's login shell on whatever the command's input and output are (a `shell` request without a pty). */
export function loginShellCommand(): string {
  return `${findLoginShell}\nexec "$shell" -l`;
}

export interface PtyCommandParams {
  /** Names the session's record: letters and digits only. */
  readonly id: string;
  readonly pty: PtyRequest;
  /** An exec request's command, run by /bin/sh as without a pty; absent for root's login shell. */
  readonly command?: string;
}

/**
 * A command that runs the session in a new pseudo-terminal inside the machine. Node has
 * no pty API, so script(1) from util-linux opens one, runs the session on it as a new
 * session with the pty as its controlling terminal, and relays the command's own input
 * and output to the master side; `-e` makes its exit status the session's (a session
 * killed by signal N ends with 128+N, as a shell reports it). script runs the inner
 * script with $SHELL, which is /bin/sh in `machineEnv`. The size is set before the
 * record is written, so a resize that finds the record always lands after it.
 */
export function ptyCommand(params: PtyCommandParams): string {
  const record = recordOf(params.id);
  const modes = sttyArgumentsOf(params.pty.modes);
  const { cols, rows } = params.pty.size;
  const inside = [
    `stty rows ${rows} cols ${cols}`,
    ...(modes.length === 0 ? [] : [`stty ${modes.join(' ')} 2>/dev/null`]),
    'SSH_TTY=$(tty)',
    'export SSH_TTY',
    `mkdir -p ${recordDir} && echo "$$ $SSH_TTY" > ${record}.new && mv -f ${record}.new ${record}`,
    params.command === undefined ? loginShellCommand() : `exec /bin/sh -c ${quote(params.command)}`,
  ].join('\n');
  return [
    'command -v script >/dev/null 2>&1 || { echo "envboot: cannot open a terminal: script(1) from util-linux is not installed in the machine" >&2; exit 127; }',
    `exec script -q -e -c ${quote(inside)} /dev/null`,
  ].join('\n');
}

/** Sets the size of the session's terminal; the kernel then sends SIGWINCH to its foreground job. */
export function resizeCommand(id: string, size: TerminalSize): string {
  return `${awaitRecord(id)}\nexec stty -F "$tty" rows ${size.rows} cols ${size.cols}`;
}

/** Sends `signal` (a name without `SIG`) to the session's shell or command, as sshd does. */
export function signalCommand(id: string, signal: string): string {
  if (!/^[A-Z0-9]+$/.test(signal)) throw new TypeError(`not a signal name: ${signal}`);
  return `${awaitRecord(id)}\nkill -s ${signal} "$pid"`;
}

/** Removes the session's record once the session has ended. */
export function forgetCommand(id: string): string {
  return `rm -f ${recordOf(id)} ${recordOf(id)}.new`;
}

function recordOf(id: string): string {
  if (!/^[A-Za-z0-9]+$/.test(id)) throw new TypeError(`not a session id: ${id}`);
  return `${recordDir}/${id}`;
}

/** A request can come before the session has noted its terminal: waits for the record, 5 s at most, then reads it into $pid and $tty. */
function awaitRecord(id: string): string {
  return [
    `record=${recordOf(id)}`,
    'n=0',
    'while [ ! -s "$record" ]; do [ "$n" -lt 100 ] || exit 1; n=$((n + 1)); sleep 0.05; done',
    'read -r pid tty < "$record"',
  ].join('\n');
}
