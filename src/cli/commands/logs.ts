import { ConfigError, exitCodeFor, NotFoundError } from '../../errors/index.js';
import { machineRecords, type MachineRecord, type ProviderState } from '../../state/index.js';
import type { CommandResult } from '../command-result.js';
import type { CommandContext } from '../context.js';
import { openBootstrapped } from '../environment/open-environment.js';
import { resolveEnvironment } from '../environment/resolve-environment.js';
import { collectLogs } from './logs-collect.js';
import { followConfigureLog } from './logs-follow.js';
import { defaultLogLines } from './logs-options.js';
import { logsJson, logsText, writtenText } from './logs-report.js';
import { sectionNames, type SectionName } from './logs-sections.js';
import { checkDirectory, planOutput, writeOutput } from './logs-write.js';

export interface LogsInput {
  readonly environment: string;
  /** Default `0`, the controller. */
  readonly machineId?: string | undefined;
  readonly console?: boolean | undefined;
  readonly configure?: boolean | undefined;
  readonly cloudInit?: boolean | undefined;
  readonly follow?: boolean | undefined;
  readonly output?: string | undefined;
  readonly lines?: number | undefined;
  readonly json?: boolean | undefined;
}

const mib = 1024 * 1024;
/** The most of one file `--output` writes: its last 64 MiB. */
const wholeFileBytes = 64 * mib;

/**
 * `envboot logs ENV [MACHINE]`: a machine's console (from the provider), configure log,
 * cloud-init output log and cloud-init's result and status JSON, each printable and
 * redacted; `--output DIR` writes them whole to files, `-f` follows the configure log.
 * What cannot be had is said per section; the exit code is not 0 only when nothing at
 * all could be collected. Flags that do not fit are refused (exit 2) before anything is
 * read or made.
 */
export async function runLogs(context: CommandContext, input: LogsInput): Promise<CommandResult> {
  const sections = checkLogsInput(input);
  if (input.output !== undefined) await checkDirectory(input.output);
  const lines = input.lines ?? defaultLogLines;
  const environment = await resolveEnvironment({ context, name: input.environment, purpose: 'existing' });
  const { environ, state } = await openBootstrapped({ context, environment });
  const machine = findMachine(input.machineId ?? '0', state, environment.name);
  const maxBytes = Math.min(wholeFileBytes, Math.max(mib, lines * 1024));
  if (input.follow === true) return followConfigureLog(context, { environment, environ, machine, lines, maxBytes });

  const plan = input.output === undefined ? undefined : await planOutput({ dir: input.output, environment: environment.name, machineId: machine.id, sections });
  const collected = await collectLogs({
    environment,
    environ,
    machine,
    sections,
    maxLines: plan === undefined ? lines : Number.POSITIVE_INFINITY,
    maxBytes: plan === undefined ? maxBytes : wholeFileBytes,
    signal: context.signal,
    logger: context.logger,
  });
  const written = plan === undefined ? undefined : await writeOutput(plan, collected.sections);
  const report = { environment: environment.name, machine, collected, ...(written === undefined ? {} : { written }) };
  // Printed logs are the machine's words, shown as they are; a summary of files written is envboot's.
  const outcome = written === undefined ? { json: logsJson(report), text: logsText(report), verbatim: true } : { json: logsJson(report), text: writtenText({ ...report, written }) };
  // Knowing that a file is not there is an answer too; only "could not look anywhere" fails.
  if (collected.sections.some((section) => section.status !== 'unavailable')) return { outcome };
  const error = collected.ssh?.connected === false
    ? collected.ssh.error
    : new NotFoundError(`nothing could be collected from machine ${machine.id} of "${environment.name}": ${collected.sections.map((s) => s.status === 'collected' ? '' : s.reason).join('; ')}`);
  return { outcome, exitCode: exitCodeFor(error), error };
}

/** The sections the flags ask for; every flag and combination that does not fit, at once, as `CONFIG_INVALID`. */
export function checkLogsInput(input: LogsInput): SectionName[] {
  const problems: string[] = [];
  const follow = input.follow === true;
  if (follow && input.output !== undefined) problems.push('-f follows the configure log on the terminal and --output writes files: give one or the other');
  if (follow && (input.console === true || input.cloudInit === true)) {
    problems.push('-f follows the configure log only: drop --console and --cloud-init (or drop -f to show them)');
  }
  if (follow && input.json === true) problems.push('-f prints lines as they come and --json one result at the end: give one or the other');
  if (input.output !== undefined && input.lines !== undefined) problems.push('--output writes whole files and --lines limits what is printed: drop --lines');
  if (input.output?.trim() === '') problems.push('--output needs a directory, e.g. --output ./logs');
  if (problems.length > 0) throw new ConfigError(`envboot logs: ${problems.join('; ')}`);
  if (follow) return ['configure'];
  const chosen = sectionNames.filter((name) =>
    name === 'console' ? input.console === true : name === 'configure' ? input.configure === true : input.cloudInit === true,
  );
  return chosen.length === 0 ? [...sectionNames] : chosen;
}

function findMachine(id: string, state: ProviderState | undefined, environment: string): MachineRecord {
  const records = state === undefined ? [] : machineRecords(state);
  const known = `${records.map((r) => r.id).join(', ') || 'none'} ("envboot status ${environment}" lists them)`;
  if (!/^(0|[1-9][0-9]*)$/.test(id)) {
    throw new ConfigError(`"${id}" is not a machine id (a whole number such as 0, the controller); environment "${environment}" has machines ${known}`);
  }
  const found = records.find((r) => r.id === id);
  if (found === undefined) throw new ConfigError(`environment "${environment}" has no machine ${id}; its machines are: ${known}`);
  return found;
}
