import { shellQuote } from '../../../cloudinit/index.js';
import { signalNumber } from '../../util/signal-number.js';
import type { CommandResult } from '../command-result.js';
import type { CommandContext } from '../context.js';
import { reachMachine } from '../environment/reach-machine.js';

export interface ExecInput {
  readonly environment: string;
  readonly machineId: string;
  /** One argument is a shell command line; several are a command and its arguments, each passed as is. */
  readonly command: readonly string[];
}

/**
 * `envboot exec ENV MACHINE -- COMMAND…`: runs a command on a machine over SSH, host key
 * pinned, output streamed, and exits with the command's exit status (128 + the signal
 * number when a signal ended it, as shells report it). Standard input is passed through
 * when it is a pipe or a file; from a terminal the command gets end-of-file at once.
 */
export async function runExec(context: CommandContext, input: ExecInput): Promise<CommandResult> {
  const { connection } = await reachMachine(context, input);
  const { stdin, stdout, stderr } = context.io;
  const passInput = !stdin.isTTY;
  // The command line itself stays out of the log: it may carry a password.
  context.logger?.debug(`running a command on machine ${input.machineId} (${input.command.length} argument(s), input ${passInput ? 'passed through' : 'closed'})`);
  try {
    const result = await connection.exec({
      command: commandLine(input.command),
      // Piped, so a slow reader of envboot's output slows the remote command instead of filling memory.
      stdout,
      stderr,
      signal: context.signal,
      ...(passInput ? { input: stdin } : {}),
    });
    // The reader went away (`| head -1`): end as a shell pipeline's writer does, quietly, with 128 + SIGPIPE.
    const exitCode = result.outputClosed === true ? 128 + signalNumber('SIGPIPE') : (result.exitCode ?? 128 + signalNumber(result.exitSignal));
    context.logger?.debug(`the command on machine ${input.machineId} ended: exit status ${result.exitCode ?? 'none'}, signal ${result.exitSignal ?? 'none'}`, {
      exitCode,
      ...(result.outputClosed === true ? { outputClosed: true } : {}),
    });
    return { outcome: { json: { exitCode }, text: '' }, exitCode };
  } finally {
    connection.close();
    // Our stdin would otherwise keep the process alive after the command is done with it.
    if (passInput) stdin.destroy();
  }
}

function commandLine(argv: readonly string[]): string {
  return argv.length === 1 ? (argv[0] ?? '') : argv.map((arg) => shellQuote(arg)).join(' ');
}
