import type { ConsoleExcerpt } from '../../errors/index.js';
import type { Palette } from './color.js';

/**
 * A machine's console excerpt as the CLI prints it under an error: a heading that says
 * whose console it is and where the whole of it is, then its lines, indented and marked
 * so they cannot be mistaken for envboot's own. The lines are already printable.
 */
export function consoleBlock(excerpt: ConsoleExcerpt, palette: Palette): string[] {
  const whole = excerpt.location === undefined ? '' : `; all of it: ${excerpt.location}`;
  return [
    palette.bold(`Console of instance ${excerpt.instanceId} (last ${excerpt.lines.length} lines${whole}):`),
    ...excerpt.lines.map((line) => `  ${palette.dim('|')} ${line}`),
  ];
}
