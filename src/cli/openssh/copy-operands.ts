import { ConfigError } from '../../errors/index.js';
import { isMachineId } from './machine-ids.js';

/** A copy between this client and one machine, as `envboot scp` takes it. */
export interface CopyOperands {
  readonly machineId: string;
  /** True when the files go to the machine, false when they come from it. */
  readonly upload: boolean;
  /** Local paths (upload) or paths on the machine (download), as given. */
  readonly sources: readonly string[];
  /** A path on the machine (upload) or a local one (download). */
  readonly target: string;
}

const usage = 'envboot scp ENV SOURCE... TARGET, one side a machine path ID:PATH (e.g. 0:/tmp/), the other local';

/**
 * Reads `SOURCE… TARGET` as scp does: a word with a ":" before any "/" names a machine
 * (`ID:PATH`, the id a machine id; `0:` is the user's home), anything else is local (a
 * local name with such a ":" is written `./a:b`). One side is the machine, the other this
 * client; a copy between two machines, or with both sides local, is refused
 * (`CONFIG_INVALID`), as is a word before ":" that is not a machine id.
 */
export function parseCopyOperands(words: readonly string[]): CopyOperands {
  if (words.length < 2) throw new ConfigError(`give a source and a target: ${usage}`);
  const parsed = words.map(operand);
  const target = parsed.at(-1);
  const sources = parsed.slice(0, -1);
  if (target === undefined) throw new ConfigError(`give a source and a target: ${usage}`);
  const machines = [...new Set(parsed.flatMap((p) => (p.machineId === undefined ? [] : [p.machineId])))];
  if (machines.length === 0) throw new ConfigError(`both sides are local: name the machine's side as ID:PATH (${usage})`);
  const remoteSources = sources.filter((s) => s.machineId !== undefined).length;
  if (machines.length > 1 || (target.machineId !== undefined && remoteSources > 0)) {
    throw new ConfigError(`both sides are on machines (${machines.map((id) => `machine ${id}`).join(', ')}): a copy goes between this client and one machine; copy to this client first, then on (${usage})`);
  }
  if (target.machineId === undefined && remoteSources !== sources.length) {
    throw new ConfigError(`the sources mix local paths and machine paths: copy to the machine and from it in separate runs (${usage})`);
  }
  return {
    machineId: machines[0] ?? '',
    upload: target.machineId !== undefined,
    sources: sources.map((s) => s.path),
    target: target.path,
  };
}

function operand(word: string): { machineId?: string; path: string } {
  const colon = word.indexOf(':');
  const slash = word.indexOf('/');
  if (colon < 0 || (slash >= 0 && slash < colon)) {
    if (word === '') throw new ConfigError(`an empty path is not a file: ${usage}`);
    return { path: word };
  }
  const machineId = word.slice(0, colon);
  if (!isMachineId(machineId)) {
    throw new ConfigError(`"${word}" is not a machine path: before ":" comes a machine id such as 0 (the controller), and "${machineId}" is not one; write a local path that has a ":" as ./${word}`);
  }
  return { machineId, path: word.slice(colon + 1) };
}
