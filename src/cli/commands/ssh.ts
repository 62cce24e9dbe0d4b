import { ConfigError } from '../../errors/index.js';
import type { CommandResult } from '../command-result.js';
import type { CommandContext } from '../context.js';
import { pinMachine } from '../openssh/pinned-machine.js';
import { settingArguments } from '../openssh/pinned-options.js';
import { runOpenSsh } from '../openssh/run-openssh.js';
import { parseSshPassthrough } from '../openssh/ssh-passthrough.js';

export interface SshInput {
  readonly environment: string;
  readonly machineId: string;
  /** What the command line parser left after the machine: ssh options, then the command. */
  readonly rest: readonly string[];
  /** The whole command line as given, to find where `--` was written. */
  readonly rawArgs: readonly string[];
}

/**
 * `envboot ssh ENV MACHINE [ssh-options] [-- command…]`: an interactive session (or a
 * command, port forwards, …) through the system's OpenSSH client (its terminal handling,
 * escapes and agent are what operators know), pinned to the machine's recorded host keys
 * through the environment's own known_hosts file: `~/.ssh/known_hosts` is neither read nor
 * written. OpenSSH options pass through, except those that would loosen the pin or replace
 * the route (refused before anything is reached). The machine is first reached and
 * verified with envboot's own client, so a wrong host key or a refused key is reported as
 * envboot reports it; then `ssh` takes over the terminal. Exits with ssh's exit status
 * (the remote command's, or 255 for ssh's own errors).
 */
export async function runSsh(context: CommandContext, input: SshInput): Promise<CommandResult> {
  for (const word of [input.environment, input.machineId]) {
    if (word.startsWith('-')) throw new ConfigError(`"${word}" comes before the machine: ssh options go after it (envboot ssh ENV MACHINE [ssh-options] [-- command])`);
  }
  const passthrough = parseSshPassthrough(input);
  const { user, address, settings } = await pinMachine(context, input);
  const args = [
    // First: for -o, OpenSSH keeps the first value given.
    ...settingArguments(settings),
    ...passthrough.options,
    ...['-p', String(address.port ?? 22), `${user}@${address.value}`],
    // `--` keeps a command that starts with a dash from being read as ssh's own option.
    ...(passthrough.command.length === 0 ? [] : ['--', ...passthrough.command]),
  ];
  const exitCode = await runOpenSsh(context, { tool: 'ssh', args, command: 'envboot ssh' });
  return { outcome: { json: { exitCode }, text: '' }, exitCode };
}
