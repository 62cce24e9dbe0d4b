import { shellQuote } from '../../../cloudinit/index.js';
import { RemoteCommandError } from '../../errors/index.js';
import { refusedLoginIn, type SshConnection } from '../../ssh/index.js';

/** What became of one file: its bytes (the end of them, past `maxBytes`), or why there are none. */
export type MachineFileRead =
  | {
      readonly state: 'read';
      readonly content: Buffer;
      /** The file's size when it was read; `content` is its last `content.length` bytes. */
      readonly size: number;
      /** Read through `sudo -n`: the login user could not read it. */
      readonly viaSudo: boolean;
    }
  | { readonly state: 'absent'; readonly viaSudo: boolean }
  | { readonly state: 'unreadable'; readonly reason: string };

export interface ReadMachineFilesParams {
  /** A verified connection; it stays open. Only `exec` is used, once. */
  readonly connection: Pick<SshConnection, 'exec' | 'user' | 'address'>;
  /** Absolute paths on the machine (`${ENVBOOT_ROOT}` is prefixed where a test host sets it). */
  readonly paths: readonly string[];
  /** At most this many bytes of each file: its end, where a log's news is. */
  readonly maxBytes: number;
  readonly signal?: AbortSignal;
}

export interface MachineFiles {
  /** One entry per requested path, in the same order. */
  readonly files: readonly MachineFileRead[];
  /** Whether cloud-init has run on the machine: it leaves /var/lib/cloud and /run/cloud-init. */
  readonly cloudInit: boolean;
}

/**
 * Reads a machine's files in one remote command: each readable file directly, and all
 * the rest (a root-only log, a file in a directory the user cannot search) in one
 * `sudo -n` at the end, only when the login user is not root. On clouds that user is the
 * image's default user: configure.log is root's 0600 and cloud-init-output.log root:adm
 * 0640, while cloud-init's JSON is anyone's. A file that does not exist is `absent`
 * (told apart from a hidden one through sudo); one that even sudo cannot give is
 * `unreadable` with the reason (sudo missing, or wanting a password). Contents travel as
 * base64, so any byte arrives as it is; the caller makes them printable and redacts them.
 * Throws `REMOTE_COMMAND_FAILED` when the command itself fails (a refused login).
 *
 * @example
 * const { files } = await readMachineFiles({ connection, paths: ['/var/log/envboot/configure.log'], maxBytes: 1 << 20 });
 */
export async function readMachineFiles(params: ReadMachineFilesParams): Promise<MachineFiles> {
  const { connection } = params;
  const maxBytes = Math.max(1, Math.floor(params.maxBytes));
  const result = await connection.exec({ command: readCommand(params.paths, maxBytes), ...(params.signal === undefined ? {} : { signal: params.signal }) });
  const stdout = result.stdout.toString('latin1');
  const stderr = result.stderr.toString('utf8').trim();
  if (result.exitCode !== 0 || !stdout.includes('@envboot-cloud-init ')) {
    const refused = refusedLoginIn(`${stdout}\n${stderr}`.trim(), result.exitCode);
    const why = refused === undefined
      ? `${result.exitCode === undefined ? `killed by ${String(result.exitSignal)}` : `exit ${result.exitCode}`}${stderr === '' ? '' : `: ${firstLine(stderr)}`}`
      : `the machine refuses logins as ${connection.user}${refused.suggestedUser === undefined ? '' : `; log in as ${refused.suggestedUser} instead`}`;
    throw new RemoteCommandError(`reading the logs on ${connection.address} as ${connection.user} failed (${why})`, {
      address: connection.address,
      ...(result.exitCode === undefined ? {} : { exitCode: result.exitCode }),
    });
  }
  return parseFrames(stdout, { count: params.paths.length, user: connection.user, sudoSaid: stderr });
}

// A reader for pairs of `index path`: a frame per file on stdout, and (when `direct`, not
// root) the pairs it could not read on fd 3, for the one sudo that follows. Sizes are read
// first and exactly that many bytes sent, so a growing log still frames cleanly.
const reader = [
  'm=$1 R=$2 cap=$3; shift 3; set -f',
  'uid=$(id -u)',
  'while [ "$#" -ge 2 ]; do',
  '  i=$1 f=$R$2; shift 2',
  '  if [ -f "$f" ] && [ -r "$f" ]; then',
  '    s=$(wc -c < "$f" | tr -d " ") || s=0',
  '    if [ "$s" -gt "$cap" ]; then',
  '      printf "@envboot %s data %s %s\\n" "$i" "$m" "$s"',
  '      tail -c +$((s - cap + 1)) -- "$f" | head -c "$cap" | base64',
  '    else',
  '      printf "@envboot %s data %s %s\\n" "$i" "$m" "$s"',
  '      head -c "$s" -- "$f" | base64',
  '    fi',
  '    continue',
  '  fi',
  '  hidden=; p=$f; while [ "${p%/*}" != "$p" ]; do p=${p%/*}; if [ -d "${p:-/}" ] && [ ! -x "${p:-/}" ]; then hidden=1; fi; done',
  '  if [ -e "$f" ] && [ ! -f "$f" ]; then printf "@envboot %s not-a-file %s\\n" "$i" "$m"',
  '  elif [ -e "$f" ] || [ -n "$hidden" ]; then',
  '    if [ "$m" = direct ] && [ "$uid" != 0 ]; then printf "%s %s\\n" "$i" "${f#"$R"}" >&3; else printf "@envboot %s unreadable %s\\n" "$i" "$m"; fi',
  '  else printf "@envboot %s absent %s\\n" "$i" "$m"; fi',
  'done',
].join('\n');

function readCommand(paths: readonly string[], maxBytes: number): string {
  // The pairs a user cannot read come back as words for the sudo: no path may hold a space.
  if (paths.some((p) => /\s/.test(p))) throw new Error(`readMachineFiles: paths must not contain whitespace: ${paths.join(', ')}`);
  const pairs = paths.map((p, i) => `${i} ${shellQuote(p)}`).join(' ');
  return [
    'set -f',
    `envboot_reader=${shellQuote(reader)}`,
    // sudo resets the environment: the root prefix of a test host reaches it as an argument.
    'R="${ENVBOOT_ROOT:-}"',
    'if ! command -v base64 >/dev/null 2>&1; then echo "@envboot-cloud-init no"; echo "@envboot-error no-base64"; exit 0; fi',
    'if [ -d "$R/var/lib/cloud" ] || [ -d "$R/run/cloud-init" ]; then echo "@envboot-cloud-init yes"; else echo "@envboot-cloud-init no"; fi',
    `{ denied=$(sh -c "$envboot_reader" envboot-logs direct "$R" ${maxBytes} ${pairs} 3>&1 1>&4 4>&-); } 4>&1`,
    'if [ -n "$denied" ]; then',
    '  if ! command -v sudo >/dev/null 2>&1; then echo "@envboot-sudo missing"',
    // One sudo for every file the user could not read; its reason (a password) on stderr.
    `  elif ! sudo -n /bin/sh -c "$envboot_reader" envboot-logs sudo "$R" ${maxBytes} $denied 3>/dev/null; then echo "@envboot-sudo refused"; fi`,
    'fi',
    'exit 0',
  ].join('\n');
}

interface FrameContext {
  readonly count: number;
  readonly user: string;
  /** What sudo printed on stderr, if anything (why it refused). */
  readonly sudoSaid: string;
}

function parseFrames(stdout: string, context: FrameContext): MachineFiles {
  const files: (MachineFileRead | undefined)[] = new Array<MachineFileRead | undefined>(context.count).fill(undefined);
  const lines = stdout.split('\n').map((line) => line.replace(/\r$/, ''));
  let cloudInit = false;
  let sudo: 'missing' | 'refused' | undefined;
  let noBase64 = false;
  let current: { index: number; size: number; viaSudo: boolean; chunks: string[] } | undefined;
  const close = (): void => {
    if (current === undefined) return;
    const content = Buffer.from(current.chunks.join(''), 'base64');
    files[current.index] = { state: 'read', content, size: current.size, viaSudo: current.viaSudo };
    current = undefined;
  };
  for (const line of lines) {
    if (!line.startsWith('@envboot')) {
      current?.chunks.push(line.trim());
      continue;
    }
    close();
    const [tag, index, state, how, size] = line.split(' ');
    if (tag === '@envboot-cloud-init') cloudInit = index === 'yes';
    else if (tag === '@envboot-sudo') sudo = index === 'missing' ? 'missing' : 'refused';
    else if (tag === '@envboot-error') noBase64 = true;
    else if (tag === '@envboot') {
      const at = Number(index);
      if (!Number.isInteger(at) || at < 0 || at >= context.count) continue;
      const viaSudo = how === 'sudo';
      if (state === 'data') current = { index: at, size: Number(size), viaSudo, chunks: [] };
      else if (state === 'absent') files[at] = { state: 'absent', viaSudo };
      else if (state === 'not-a-file') files[at] = { state: 'unreadable', reason: 'not a regular file' };
      else files[at] = { state: 'unreadable', reason: viaSudo ? 'not readable even through sudo' : `not readable as ${context.user}` };
    }
  }
  close();
  const missing = missingReason({ ...context, sudo, noBase64 });
  return { files: files.map((file) => file ?? { state: 'unreadable', reason: missing }), cloudInit };
}

/** Why a file has no frame: the command stopped short, or the sudo it needed did not happen. */
function missingReason(context: FrameContext & { sudo: 'missing' | 'refused' | undefined; noBase64: boolean }): string {
  if (context.noBase64) return 'base64 is not installed on the machine, and envboot reads files through it';
  if (context.sudo === 'missing') return `${context.user} cannot read it (the file or a directory above it is root's), and sudo is not installed`;
  if (context.sudo === 'refused') {
    const said = context.sudoSaid === '' ? '' : ` (${firstLine(context.sudoSaid)})`;
    return `not readable as ${context.user}, who cannot use sudo without a password${said}`;
  }
  return 'the machine sent nothing for it';
}

function firstLine(text: string): string {
  // eslint-disable-next-line no-control-regex
  const line = (text.split('\n').find((l) => l.trim() !== '') ?? '').replace(/[\u0000-\u001f\u007f]/g, '').trim();
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}
