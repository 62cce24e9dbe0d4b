import { createInterface } from 'node:readline/promises';
import { CancelledError, ConfigError } from '../../errors/index.js';
import type { CommandContext } from '../context.js';

/**
 * Asks the operator to confirm on the terminal (`[y/N]`, anything but yes is no). Without
 * a terminal there is no one to ask: that is bad input unless `--yes` was given, so a
 * script can never destroy by accident.
 */
export async function confirm(params: { context: CommandContext; question: string; yes: boolean; flagHint: string }): Promise<boolean> {
  if (params.yes) return true;
  const { stdin, stderr } = params.context.io;
  if (!stdin.isTTY) {
    throw new ConfigError(`${params.flagHint}: standard input is not a terminal, so envboot cannot ask; pass --yes to confirm`);
  }
  const prompt = createInterface({ input: stdin, output: stderr });
  try {
    const answer = await prompt.question(`${params.question} [y/N] `, { signal: params.context.signal });
    return /^(y|yes)$/i.test(answer.trim());
  } catch (error) {
    throw new CancelledError('not confirmed: interrupted', { cause: error });
  } finally {
    prompt.close();
  }
}
