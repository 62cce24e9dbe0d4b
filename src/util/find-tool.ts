import { accessSync, constants } from 'node:fs';
import path from 'node:path';

/**
 * The absolute path of an executable on PATH or in the usual bin and sbin directories
 * (which a non-login shell's PATH may lack); undefined when there is none.
 */
export function findTool(tool: string): string | undefined {
  const dirs = [...(process.env['PATH'] ?? '').split(':'), '/usr/local/bin', '/usr/sbin', '/sbin', '/usr/bin', '/bin'].filter((dir) => path.isAbsolute(dir));
  for (const dir of dirs) {
    try {
      accessSync(path.join(dir, tool), constants.X_OK);
      return path.join(dir, tool);
    } catch {
      // Not here.
    }
  }
  return undefined;
}
