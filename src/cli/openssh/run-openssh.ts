import { spawn } from 'node:child_process';
import { signalNumber } from '../../util/signal-number.js';
import type { CommandContext } from '../context.js';
import { isMissingProgram, missingClientError } from './missing-client.js';

export interface RunOpenSshParams {
  /** `ssh` or `scp`, found on PATH. */
  readonly tool: string;
  readonly args: readonly string[];
  /** The envboot command running it, for the message when the tool is missing. */
  readonly command: string;
}

/**
 * Runs an OpenSSH client program on envboot's own terminal (its prompts, escapes and
 * progress are what operators know) and returns its exit status, 128 + N when a signal
 * ended it. SIGTERM or a hang-up reaches envboot, not the program: it is passed on
 * (Ctrl-C on a terminal in raw mode goes to the machine). A program that is not installed
 * is `CONFIG_INVALID`, naming the package to install.
 */
export async function runOpenSsh(context: CommandContext, params: RunOpenSshParams): Promise<number> {
  context.logger?.debug(`running ${params.tool}`, { args: loggedArgs(params.args) });
  const child = spawn(params.tool, params.args, { stdio: 'inherit' });
  const stop = (): void => { child.kill('SIGTERM'); };
  context.signal.addEventListener('abort', stop, { once: true });
  try {
    // Not events.once: it would reject with the bare spawn error before it is explained.
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve, reject) => {
      child.once('exit', (exitCode, exitSignal) => { resolve([exitCode, exitSignal]); });
      child.once('error', (error) => {
        reject(isMissingProgram(error) ? missingClientError({ tool: params.tool, command: params.command, cause: error }) : error);
      });
    });
    return code ?? 128 + signalNumber(signal ?? undefined);
  } finally {
    context.signal.removeEventListener('abort', stop);
  }
}

/**
 * The arguments as the debug log shows them: the words after `--` (ssh's remote command,
 * scp's paths) only counted, as `exec` does: a command line may carry a password.
 */
export function loggedArgs(args: readonly string[]): readonly string[] {
  const end = args.indexOf('--');
  if (end < 0) return args;
  return [...args.slice(0, end + 1), `(${args.length - end - 1} more word(s), not logged)`];
}
