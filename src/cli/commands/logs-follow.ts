import { Writable } from 'node:stream';
import { shellQuote } from '../../../cloudinit/index.js';
import { isCancelled, RemoteCommandError } from '../../errors/index.js';
import { SecretRedactor } from '../../logging/redact.js';
import type { Environ } from '../../provider/index.js';
import type { SshConnection } from '../../ssh/index.js';
import type { MachineRecord } from '../../state/index.js';
import { signalNumber } from '../../util/signal-number.js';
import { defaultNonceFile } from '../../wait-ssh/index.js';
import type { CommandResult } from '../command-result.js';
import type { CommandContext } from '../context.js';
import { completeLinesLength, logLines, RedactedLineStream } from '../environment/log-lines.js';
import { readMachineFiles, type MachineFileRead } from '../environment/read-machine-files.js';
import { requireClientKey } from '../environment/require-client-key.js';
import { connectEnvironmentMachine } from '../environment/connect-environment-machine.js';
import type { ResolvedEnvironment } from '../environment/resolve-environment.js';
import { machineFiles } from './logs-sections.js';

export interface FollowParams {
  readonly environment: ResolvedEnvironment;
  readonly environ: Environ;
  readonly machine: MachineRecord;
  /** Lines of what is there already, shown first. */
  readonly lines: number;
  readonly maxBytes: number;
}

/**
 * `envboot logs ENV MACHINE -f`: the configure log's last lines, then every line added to
 * it (`tail -F`, through `sudo -n` when the login user cannot read it), printable and
 * redacted as they come, until Ctrl-C (exit 0), the reader of the output goes away (141),
 * or the connection ends (`SSH_CONNECTION_LOST`). The remote tail ends with the session.
 */
export async function followConfigureLog(context: CommandContext, params: FollowParams): Promise<CommandResult> {
  const { environ, machine } = params;
  const clientKey = await requireClientKey(params.environment);
  const { connection } = await connectEnvironmentMachine({ environment: params.environment, environ, machineId: machine.id, clientKey, signal: context.signal, logger: context.logger });
  try {
    const file = machineFiles.configure.path;
    const { files } = await readMachineFiles({ connection, paths: [file, defaultNonceFile], maxBytes: params.maxBytes, signal: context.signal });
    const [log, nonce] = files as [MachineFileRead, MachineFileRead];
    const redactor = new SecretRedactor();
    if (nonce.state === 'read') redactor.add(nonce.content.toString('utf8').trim());
    if (log.state === 'unreadable') {
      throw new RemoteCommandError(`cannot follow ${file} on machine ${machine.id}: ${log.reason}`, { address: connection.address });
    }
    const stream = new RedactedLineStream({ redactor, onHiding: () => { context.reporter.notice('warn', hidingNote); } });
    const offset = showSoFar({ context, machineId: machine.id, file, log, lines: params.lines, redactor, stream });
    const sudo = connection.user !== 'root' && !(log.state === 'read' && !log.viaSudo);
    return await follow({ context, connection, command: followCommand(file, offset, sudo), stream, redactor });
  } finally {
    connection.close();
  }
}

interface ShowSoFarParams {
  readonly context: CommandContext;
  readonly machineId: string;
  readonly file: string;
  readonly log: MachineFileRead;
  readonly lines: number;
  readonly redactor: SecretRedactor;
  readonly stream: RedactedLineStream;
}

/** Prints the header and the log's complete lines so far; returns the byte offset the follow starts at. */
function showSoFar(params: ShowSoFarParams): number {
  const { context, log } = params;
  const out = context.io.stdout;
  if (log.state !== 'read') {
    out.write(`==> machine ${params.machineId}: ${params.file} (not present yet; following it from when it appears, Ctrl-C stops) <==\n`);
    return 0;
  }
  // A line still being written is shown whole once the follow has its end.
  const complete = log.content.subarray(0, completeLinesLength(log.content));
  const shown = logLines({ content: complete, cutAtStart: log.content.length < log.size, redactor: params.redactor, maxLines: params.lines });
  const count = shown.lines.length < shown.total ? `last ${shown.lines.length} of ${shown.total} lines; ` : '';
  out.write(`==> machine ${params.machineId}: ${params.file} (${count}following, Ctrl-C stops) <==\n`);
  if (shown.lines.length > 0) out.write(`${shown.lines.join('\n')}\n`);
  params.stream.startAfter(complete.toString('utf8'));
  return log.size - (log.content.length - complete.length);
}

const hidingNote = 'the log goes on inside a #cloud-config text or a private key block: the rest of it stays hidden ([REDACTED])';

/**
 * `tail -F` from byte `offset` (0-based) in the session's background, stopped when the
 * channel's standard input ends: OpenSSH passes no signal to a command without a
 * terminal, so end-of-file is the one sign that always arrives when the client goes.
 * Through sudo, sudo relays the stop to tail.
 */
function followCommand(file: string, offset: number, sudo: boolean): string {
  const from = offset + 1;
  const tail = sudo
    ? `sudo -n /bin/sh -c 'exec tail -c +"$2" -F -- "$1"' envboot-follow "$f" ${from}`
    : `tail -c +${from} -F -- "$f"`;
  return [
    `f="\${ENVBOOT_ROOT:-}"${shellQuote(file)}`,
    'exec 3<&0',
    `${tail} </dev/null &`,
    'p=$!',
    '( cat <&3 >/dev/null 2>&1; kill "$p" 2>/dev/null || sudo -n kill "$p" 2>/dev/null ) >/dev/null 2>&1 &',
    'exec 3<&-',
    'wait "$p"',
  ].join('\n');
}

interface FollowRun {
  readonly context: CommandContext;
  readonly connection: SshConnection;
  readonly command: string;
  readonly stream: RedactedLineStream;
  readonly redactor: SecretRedactor;
}

async function follow(run: FollowRun): Promise<CommandResult> {
  const { context, stream } = run;
  const out = context.io.stdout;
  const sink = lineSink(stream, out);
  const errors = new RedactedLineStream({ redactor: run.redactor });
  const said: string[] = [];
  const onStderr = (chunk: Buffer): void => {
    for (const line of errors.push(chunk)) {
      said.push(line);
      context.io.stderr.write(`${line}\n`);
    }
  };
  try {
    const result = await run.connection.exec({ command: run.command, holdStdin: true, stdout: sink, onStderr, signal: context.signal });
    if (result.outputClosed === true) return { outcome: { json: {}, text: '' }, exitCode: 128 + signalNumber('SIGPIPE') };
    const status = result.exitCode === undefined ? `was killed by ${String(result.exitSignal)}` : `exited with status ${result.exitCode}`;
    throw new RemoteCommandError(`following the configure log on ${run.connection.address} stopped: tail ${status}${said.length === 0 ? '' : `: ${said.slice(-3).join(' / ')}`}`, {
      address: run.connection.address,
      ...(result.exitCode === undefined ? {} : { exitCode: result.exitCode }),
    });
  } catch (error) {
    // Ctrl-C is how a follow ends.
    if (isCancelled(error) && context.signal.aborted) return { outcome: { json: {}, text: '' } };
    throw error;
  } finally {
    const rest = stream.end();
    if (rest.length > 0 && !sink.destroyed) out.write(`${rest.join('\n')}\n`);
    sink.destroy();
  }
}

/** A writable that turns the tail's bytes into printable, redacted lines on `out`, with its backpressure. */
function lineSink(stream: RedactedLineStream, out: NodeJS.WritableStream): Writable {
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      const lines = stream.push(chunk);
      if (lines.length === 0 || out.write(`${lines.join('\n')}\n`)) callback();
      else out.once('drain', () => { callback(); });
    },
  });
  // The reader went away (`| head`): the sink closes, and the follow ends as a pipeline's writer does.
  const gone = (): void => { sink.destroy(); };
  out.once('error', gone);
  out.once('close', gone);
  sink.once('close', () => {
    out.off('error', gone);
    out.off('close', gone);
  });
  return sink;
}
