import { InvalidArgumentError } from 'commander';

/** The default of `--lines`: what fits a screen or two per section. */
export const defaultLogLines = 100;

/** The most lines `--lines` may ask for per section; `--output` writes whole files. */
export const maxLogLines = 100_000;

/** `--lines N`: a whole number from 1 to 100,000. Loaded with the program, so it imports commander only. */
export function linesOption(value: string): number {
  const count = /^\d+$/.test(value.trim()) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(count) || count < 1 || count > maxLogLines) {
    throw new InvalidArgumentError(`"${value}" is not a line count; give a whole number from 1 to ${maxLogLines} (whole files: --output DIR)`);
  }
  return count;
}
