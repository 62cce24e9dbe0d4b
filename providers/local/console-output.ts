import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { isOwnedBy, lastLines, readFileEnd, throwIfCancelled, type ConsoleOutput, type EnvironmentIdentity } from '../../src/index.js';
import { agentLogMarks, instanceIdPattern, machineDir, machineRecordFile, type LocalLayout } from './layout.js';

export interface ReadLocalConsoleParams {
  readonly layout: LocalLayout;
  readonly environment: EnvironmentIdentity;
  readonly id: string;
  /** Default 50. */
  readonly lines?: number | undefined;
  readonly signal?: AbortSignal | undefined;
}

/** How much of the end of each file is read at most: the agent's log serves every machine, and lives long. */
const maxReadBytes = 1024 * 1024;

/**
 * What a local machine printed as it came up, read from files on this host. A sandbox has
 * no serial console: what tells why a machine never answers is the agent's lines about it
 * (started, SSH listening on which addresses, a sandbox or boot failure with its reason)
 * and the output of its first boot (console.log: the user-data's script, as
 * cloud-init-output.log on a cloud). They are put in the order they happened: the agent's
 * lines up to the one that starts the first boot, that boot's output, then the agent's
 * later lines (running, or failed and why). Undefined for a machine that is not this
 * environment's or no longer exists; an empty text for one that printed nothing yet.
 */
export async function readLocalConsole(params: ReadLocalConsoleParams): Promise<ConsoleOutput | undefined> {
  const { layout, id } = params;
  const what = `reading the console of ${id}`;
  throwIfCancelled(params.signal, what);
  if (!instanceIdPattern.test(id) || !(await isOwnMachine(params))) return undefined;
  const consoleLog = path.join(machineDir(layout, id), 'console.log');
  const [agentLog, firstBoot] = await Promise.all([readEnd(layout.agentLog), readEnd(consoleLog)]);
  throwIfCancelled(params.signal, what);
  const marks = agentLogMarks(id);
  // Ids have a fixed length: `machine local-1234abcd` never starts another machine's name.
  const about = agentLog.split('\n').filter((line) => line.includes(marks.about));
  const split = about.findLastIndex((line) => line.includes(marks.firstBoot)) + 1;
  const text = joinLines([...about.slice(0, split), firstBoot, ...about.slice(split)]);
  return { text: lastLines(text, params.lines ?? 50), location: `${consoleLog} (its first boot) and ${layout.agentLog} (lines naming ${id})` };
}

/** The machine's record names this environment in its ownership tag; a missing or unreadable record is no machine. */
async function isOwnMachine(params: ReadLocalConsoleParams): Promise<boolean> {
  try {
    const record = JSON.parse(await readFile(machineRecordFile(params.layout, params.id), 'utf8')) as { tags?: Record<string, string> };
    return typeof record.tags === 'object' && isOwnedBy(record.tags, params.environment);
  } catch {
    return false;
  }
}

async function readEnd(file: string): Promise<string> {
  return (await readFileEnd(file, maxReadBytes)) ?? '';
}

/** The parts one after another, a line break between two where the first does not end with one. */
function joinLines(parts: readonly string[]): string {
  return parts.filter((part) => part !== '').reduce((text, part) => (text === '' || text.endsWith('\n') ? `${text}${part}` : `${text}\n${part}`), '');
}
