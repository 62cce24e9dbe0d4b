import { errorCodeOf, isCancelled, messageOf, throwIfCancelled, TimeoutError } from '../../errors/index.js';
import type { Logger } from '../../logging/index.js';
import { SecretRedactor } from '../../logging/redact.js';
import { hasConsoleOutput, type Environ } from '../../provider/index.js';
import { readConsole } from '../../provision/read-console.js';
import type { MachineRecord } from '../../state/index.js';
import { defaultNonceFile } from '../../wait-ssh/index.js';
import { logLines } from '../environment/log-lines.js';
import { readMachineFiles, type MachineFileRead, type MachineFiles } from '../environment/read-machine-files.js';
import { requireClientKey } from '../environment/require-client-key.js';
import { connectEnvironmentMachine } from '../environment/connect-environment-machine.js';
import type { ResolvedEnvironment } from '../environment/resolve-environment.js';
import { absentReason, machineFiles, type MachineFileSection, type Section, type SectionName } from './logs-sections.js';

export interface CollectLogsParams {
  readonly environment: ResolvedEnvironment;
  readonly environ: Environ;
  readonly machine: MachineRecord;
  readonly sections: readonly SectionName[];
  /** Lines kept per section: `--lines`, or every line for `--output`. */
  readonly maxLines: number;
  /** At most this many bytes of each file, its end. */
  readonly maxBytes: number;
  readonly signal: AbortSignal;
  /** The debug log: which address answered, or why none did. */
  readonly logger?: Logger | undefined;
}

/** How the SSH side went: not needed (console only), connected, or failed and why. */
export type SshOutcome =
  | { readonly connected: true; readonly address: string; readonly user: string }
  | { readonly connected: false; readonly error: unknown };

export interface CollectedLogs {
  readonly sections: readonly Section[];
  readonly ssh?: SshOutcome;
}

/** A machine too busy to send its logs in this long is reported, not waited for. */
const readTimeoutMs = 120_000;

/** Lines asked of the console when a whole log is wanted. */
const wholeConsoleLines = 100_000;

/**
 * Collects the asked sections of one machine's logs: its files over one verified SSH
 * connection (one remote command, sudo only for what the login user cannot read), then
 * the provider's console. A failure to reach the machine makes the file sections
 * `unavailable` with the reason and leaves the console to say what it can. Every text is
 * printable and redacted; the machine's nonce is read too, only to be redacted wherever
 * it appears. Cancellation is thrown; nothing else is.
 */
export async function collectLogs(params: CollectLogsParams): Promise<CollectedLogs> {
  const redactor = new SecretRedactor();
  const wanted = params.sections.filter((name): name is MachineFileSection => name !== 'console');
  let files: MachineFiles | undefined;
  let ssh: SshOutcome | undefined;
  const secrets: string[] = [];
  if (wanted.length > 0) {
    const read = await readFiles(params, wanted);
    ({ ssh } = read);
    files = read.files;
    const nonce = files?.files.at(-1);
    if (nonce?.state === 'read') secrets.push(nonce.content.toString('utf8').trim());
  }
  for (const secret of secrets) redactor.add(secret);
  const sections: Section[] = [];
  for (const name of params.sections) {
    if (name === 'console') sections.push(await consoleSection(params, secrets));
    else sections.push(fileSection({ name, at: wanted.indexOf(name), files, ssh, params, redactor }));
  }
  return { sections, ...(ssh === undefined ? {} : { ssh }) };
}

async function readFiles(params: CollectLogsParams, wanted: readonly MachineFileSection[]): Promise<{ ssh: SshOutcome; files?: MachineFiles }> {
  const { environ, machine, signal } = params;
  try {
    const clientKey = await requireClientKey(params.environment);
    const { connection, address } = await connectEnvironmentMachine({ environment: params.environment, environ, machineId: machine.id, clientKey, signal, logger: params.logger });
    try {
      // The nonce goes last: read only to be redacted, never shown.
      const paths = [...wanted.map((name) => machineFiles[name].path), defaultNonceFile];
      const timeout = AbortSignal.timeout(readTimeoutMs);
      const files = await readMachineFiles({ connection, paths, maxBytes: params.maxBytes, signal: AbortSignal.any([signal, timeout]) }).catch((error: unknown) => {
        if (!timeout.aborted || signal.aborted) throw error;
        throw new TimeoutError(`reading the logs on machine ${machine.id} took longer than ${readTimeoutMs / 1000} s and was stopped`, { cause: error });
      });
      return { ssh: { connected: true, address: `${address.value}:${address.port ?? 22}`, user: connection.user }, files };
    } finally {
      connection.close();
    }
  } catch (error) {
    if (isCancelled(error) && signal.aborted) throw error;
    return { ssh: { connected: false, error } };
  }
}

interface FileSectionParams {
  readonly name: MachineFileSection;
  readonly at: number;
  readonly files: MachineFiles | undefined;
  readonly ssh: SshOutcome | undefined;
  readonly params: CollectLogsParams;
  readonly redactor: SecretRedactor;
}

function fileSection({ name, at, files, ssh, params, redactor }: FileSectionParams): Section {
  const source = machineFiles[name].path;
  const read: MachineFileRead | undefined = files?.files[at];
  if (files === undefined || read === undefined) {
    // The whole SSH error is said once, apart; here only that it is why.
    const code = ssh?.connected === false ? errorCodeOf(ssh.error) : undefined;
    const why = ssh?.connected === false ? `not read: SSH to machine ${params.machine.id} failed${code === undefined ? '' : ` (${code})`}` : 'not read';
    return { name, source, status: 'unavailable', reason: why };
  }
  if (read.state === 'absent') return { name, source, status: 'absent', reason: absentReason(name, { cloudInit: files.cloudInit, provider: params.environ.provider }) };
  if (read.state === 'unreadable') return { name, source, status: 'unavailable', reason: read.reason };
  const { lines, total } = logLines({ content: read.content, cutAtStart: read.content.length < read.size, redactor, maxLines: params.maxLines });
  return { name, source, status: 'collected', lines, totalLines: total, viaSudo: read.viaSudo };
}

async function consoleSection(params: CollectLogsParams, secrets: readonly string[]): Promise<Section> {
  const { environ, machine } = params;
  const source = `console of instance ${machine.instanceId}`;
  if (!hasConsoleOutput(environ)) {
    return { name: 'console', source, status: 'unavailable', reason: `the ${environ.provider} provider cannot show console output` };
  }
  const lines = params.maxLines >= wholeConsoleLines ? wholeConsoleLines : params.maxLines;
  const excerpt = await readConsole({ environ, instanceId: machine.instanceId, lines, secrets, signal: params.signal });
  throwIfCancelled(params.signal, 'reading the console');
  if (excerpt === undefined) {
    return { name: 'console', source, status: 'unavailable', reason: `the provider has no console output for instance ${machine.instanceId} (yet), or could not give it` };
  }
  const { lines: shown, location } = excerpt;
  return { name: 'console', source, status: 'collected', lines: shown, totalLines: shown.length, ...(location === undefined ? {} : { location }) };
}

/** An SSH failure in one line: its code and message. */
export function sshFailure(error: unknown): string {
  const code = errorCodeOf(error);
  const message = messageOf(error).split('\n')[0] ?? '';
  return code === undefined ? message : `${message} (${code})`;
}
