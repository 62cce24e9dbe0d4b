import type { CommandResult } from '../command-result.js';
import type { CommandContext } from '../context.js';
import { parseCopyOperands } from '../openssh/copy-operands.js';
import { pinMachine } from '../openssh/pinned-machine.js';
import { settingArguments } from '../openssh/pinned-options.js';
import { runOpenSsh } from '../openssh/run-openssh.js';
import { scpProtocolFlags } from '../openssh/scp-protocol.js';

export interface ScpInput {
  readonly environment: string;
  /** `SOURCE… TARGET`, one side `ID:PATH`. */
  readonly paths: readonly string[];
  readonly recursive?: boolean | undefined;
  readonly preserve?: boolean | undefined;
}

/**
 * `envboot scp ENV SOURCE… TARGET` (alias `cp`): copies files, and directories with `-r`,
 * between this client and one machine with OpenSSH's scp, pinned as `envboot ssh` is (the
 * environment's client key and known_hosts, the pinned jump host). The machine is reached
 * and verified with envboot's own client first. scp speaks the original SCP protocol
 * (`-O`; see `scpProtocolFlags`), so paths on the machine are read by its shell as scp's
 * always were: globs and `~` work, a name with spaces is quoted once more. Exits with
 * scp's exit status.
 */
export async function runScp(context: CommandContext, input: ScpInput): Promise<CommandResult> {
  const copy = parseCopyOperands(input.paths);
  const protocol = await scpProtocolFlags({ command: 'envboot scp' });
  const { user, address, settings } = await pinMachine(context, { environment: input.environment, machineId: copy.machineId });
  const host = address.value.includes(':') ? `[${address.value}]` : address.value;
  const remote = (path: string): string => `${user}@${host}:${path}`;
  const args = [
    ...protocol,
    ...(input.recursive === true ? ['-r'] : []),
    ...(input.preserve === true ? ['-p'] : []),
    ...settingArguments(settings),
    ...['-P', String(address.port ?? 22)],
    // `--`: a local name that starts with a dash is a file, not an option.
    '--',
    ...(copy.upload ? [...copy.sources, remote(copy.target)] : [...copy.sources.map(remote), copy.target]),
  ];
  const exitCode = await runOpenSsh(context, { tool: 'scp', args, command: 'envboot scp' });
  return { outcome: { json: { exitCode }, text: '' }, exitCode };
}
