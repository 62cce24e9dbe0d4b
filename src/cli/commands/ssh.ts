import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { EnvbootError, ErrorCode } from '../../errors/index.js';
import type { CommandResult } from '../command-result.js';
import type { CommandContext } from '../context.js';
import { reachMachine } from '../environment/reach-machine.js';
import { clientKeyFile } from '../records/client-key.js';
import { hostKeyAlias, jumpHostKeyAlias, knownHostsFile, writeJumpKnownHosts } from '../records/known-hosts.js';
import { sshRouteOf, type JumpHost } from '../../provider/index.js';
import { refreshLocalRecords } from '../records/refresh-records.js';
import { signalNumber } from '../../util/signal-number.js';

export interface SshInput {
  readonly environment: string;
  readonly machineId: string;
  /** A command to run instead of a login shell, as `ssh host command` takes it. */
  readonly command: readonly string[];
}

/**
 * `envboot ssh ENV MACHINE [COMMAND…]`: an interactive session through the system's
 * OpenSSH client (its terminal handling, escapes and agent are what operators know),
 * pinned to the machine's recorded host keys through the environment's own known_hosts
 * file: `~/.ssh/known_hosts` is neither read nor written. The machine is first reached
 * and verified with envboot's own client, so a wrong host key or a refused key is
 * reported as envboot reports it; then `ssh` takes over the terminal. Exits with ssh's
 * exit status (the remote command's, or 255 for ssh's own errors).
 */
export async function runSsh(context: CommandContext, input: SshInput): Promise<CommandResult> {
  const { environment, environ, connection, address } = await reachMachine(context, input);
  // The machine's own user (manual hosts each have theirs), as envboot's client just logged in.
  const user = connection.user;
  connection.close();
  // The known_hosts file ssh is pointed at, written from provider-state's host keys.
  await refreshLocalRecords({ environ, dir: environment.dir, signal: context.signal });
  const { jumpHost } = await sshRouteOf(environ, { signal: context.signal });
  const proxy = jumpHost === undefined ? [] : ['-o', `ProxyCommand=${await proxyCommand({ dir: environment.dir, environment: environment.name, jumpHost })}`];
  const args = [
    ...proxy,
    ...['-i', clientKeyFile(environment.dir), '-o', 'IdentitiesOnly=yes'],
    ...['-o', `UserKnownHostsFile=${knownHostsFile(environment.dir)}`, '-o', 'GlobalKnownHostsFile=/dev/null'],
    ...['-o', 'StrictHostKeyChecking=yes', '-o', `HostKeyAlias=${hostKeyAlias(environment.name, input.machineId)}`],
    ...['-o', 'CheckHostIP=no', '-o', 'UpdateHostKeys=no'],
    ...['-p', String(address.port ?? 22), `${user}@${address.value}`],
    // `--` keeps a command that starts with a dash from being read as ssh's own option.
    ...(input.command.length === 0 ? [] : ['--', ...input.command]),
  ];
  context.logger?.debug('running ssh', { args });
  const child = spawn('ssh', args, { stdio: 'inherit' });
  // SIGTERM or a hang-up reaches envboot, not ssh: pass it on. (Ctrl-C on a terminal in raw mode goes to the machine.)
  const stop = (): void => { child.kill('SIGTERM'); };
  context.signal.addEventListener('abort', stop, { once: true });
  const [code, signal] = (await Promise.race([once(child, 'exit'), once(child, 'error').then(([error]) => { throw sshMissing(error); })])) as [number | null, NodeJS.Signals | null];
  context.signal.removeEventListener('abort', stop);
  const exitCode = code ?? 128 + signalNumber(signal ?? undefined);
  return { outcome: { json: { exitCode }, text: '' }, exitCode };
}

/**
 * OpenSSH's ProxyCommand for the jump host, pinned the same way as the machines (its own
 * known_hosts, StrictHostKeyChecking); `-J` would not carry these options to the jump.
 */
async function proxyCommand(params: { dir: string; environment: string; jumpHost: JumpHost }): Promise<string> {
  const { jumpHost } = params;
  const knownHosts = await writeJumpKnownHosts({ dir: params.dir, environment: params.environment, hostKeys: jumpHost.hostKeys });
  const words = [
    'ssh', '-i', jumpHost.identityFile ?? clientKeyFile(params.dir), '-o', 'IdentitiesOnly=yes',
    '-o', `UserKnownHostsFile=${knownHosts}`, '-o', 'GlobalKnownHostsFile=/dev/null', '-o', 'StrictHostKeyChecking=yes',
    '-o', `HostKeyAlias=${jumpHostKeyAlias(params.environment)}`, '-o', 'CheckHostIP=no', '-o', 'UpdateHostKeys=no',
    '-p', String(jumpHost.port), '-W', '%h:%p', '--', `${jumpHost.user}@${jumpHost.host}`,
  ];
  // OpenSSH expands %-tokens in ProxyCommand: only `%h:%p` is meant as one.
  return words.map((word) => (word === '%h:%p' ? word : shellWord(word.replace(/%/g, '%%')))).join(' ');
}

/** Quotes a word for the shell OpenSSH runs ProxyCommand with; `%h:%p` stays expandable. */
function shellWord(word: string): string {
  return /^[\w@%:,./=+-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

function sshMissing(error: unknown): Error {
  if ((error as NodeJS.ErrnoException).code !== 'ENOENT') return error as Error;
  return new EnvbootError(
    ErrorCode.ConfigInvalid,
    'envboot ssh runs the OpenSSH client, and there is no "ssh" on PATH: install it (apt-get install openssh-client); ' +
      '"envboot exec ENV MACHINE -- COMMAND" works without it',
    { cause: error },
  );
}
