import { consoleOf, messageOf } from '../../errors/index.js';
import type { Palette } from './color.js';
import { consoleBlock } from './console-block.js';
import { printableMessage } from './printable-message.js';

/**
 * An error as a person reads it on stderr: `Error: <message>` (messages already say what
 * to do next), then the machine's console when the error carries it (a machine that
 * never answered); with `--debug`, the cause chain and the stack too.
 */
export function renderFailure(error: unknown, params: { readonly palette: Palette; readonly debug: boolean }): string {
  const message = printableMessage(error instanceof Error ? error.message : String(error));
  const lines = [`${params.palette.red(params.palette.bold('Error:'))} ${message}`];
  const excerpt = consoleOf(error);
  if (excerpt !== undefined) lines.push(...consoleBlock(excerpt, params.palette));
  if (params.debug) {
    let cause = error instanceof Error ? error.cause : undefined;
    for (let depth = 0; cause !== undefined && depth < 5; depth += 1) {
      lines.push(params.palette.dim(`  caused by: ${printableMessage(messageOf(cause))}`));
      cause = cause instanceof Error ? cause.cause : undefined;
    }
    if (error instanceof Error && error.stack !== undefined) lines.push(params.palette.dim(error.stack));
  }
  return `${lines.join('\n')}\n`;
}
