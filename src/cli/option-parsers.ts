import { InvalidArgumentError } from 'commander';
import { checkDuration } from '../util/duration.js';

/** Timers hold at most 2^31-1 ms (24.8 days); a longer one would fire at once. */
const maxTimeoutMs = 576 * 3_600_000;

/** `--timeout`: a Go-style duration with a unit (`90s`, `10m`, `1h30m`). */
export function durationOption(value: string): number {
  const checked = checkDuration(value);
  if (!checked.ok) throw new InvalidArgumentError(checked.message);
  if (checked.ms === 0) throw new InvalidArgumentError('a timeout of 0 would stop at once; give a positive duration such as 10m');
  if (checked.ms > maxTimeoutMs) throw new InvalidArgumentError(`"${value}" is longer than the longest timeout, 24 days (576h); give a shorter one or none`);
  return checked.ms;
}

/** The most machines one add-machine may start: more is almost always a typo, and can be done in batches. */
export const maxMachinesPerCall = 100;

/** `-n`: how many machines, a whole number from 1 to 100. */
export function countOption(value: string): number {
  const count = /^\d+$/.test(value.trim()) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(count) || count < 1 || count > maxMachinesPerCall) {
    throw new InvalidArgumentError(`"${value}" is not a machine count; give a whole number from 1 to ${maxMachinesPerCall}`);
  }
  return count;
}

/**
 * A parser for a repeatable option (`--zone a --zone b`, or `--zone a,b`) that collects
 * into a list; `flag` and `what` name it in the error for an empty part.
 */
export function collectList(flag: string, what: string): (value: string, previous: readonly string[] | undefined) => string[] {
  return (value, previous) => {
    const parts = value.split(',').map((part) => part.trim());
    if (parts.some((part) => part === '')) throw new InvalidArgumentError(`"${value}" has an empty ${what}; write ${flag} a ${flag} b or ${flag} a,b`);
    return [...(previous ?? []), ...parts];
  };
}

/** The `--json` flag of the commands that have it. */
export interface JsonOption {
  readonly json?: boolean;
}

/** The named options that were given, without the absent ones (exactOptionalPropertyTypes). */
export function pickGiven<T extends object, K extends keyof T>(options: T, keys: readonly K[]): Partial<Pick<T, K>> {
  const picked: Partial<Pick<T, K>> = {};
  for (const key of keys) if (options[key] !== undefined) picked[key] = options[key];
  return picked;
}
