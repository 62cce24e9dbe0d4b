import { execFileSync } from 'node:child_process';
import type { TestContext } from 'node:test';

/**
 * The path of a tool the test needs, found on PATH (plus the sbin directories). Where it
 * is missing the test is skipped with the reason, except in CI (`CI=true`), where a
 * missing tool must fail the run rather than hide behind a skip.
 */
export function requireTool(t: TestContext, tool: string, why = ''): string | undefined {
  try {
    return execFileSync('sh', ['-c', `PATH="$PATH:/usr/sbin:/sbin" command -v ${tool}`], { encoding: 'utf8' }).trim();
  } catch {
    const message = `${tool} is not installed${why === '' ? '' : ` (${why})`}; .ci/run installs it`;
    if (process.env['CI'] === 'true') throw new Error(`${message}, and CI must not skip this test`);
    t.skip(message);
    return undefined;
  }
}

/** Like `requireTool`, for being root (user and mount namespaces with bind mounts need it). */
export function requireRoot(t: TestContext, why: string): boolean {
  if (process.getuid?.() === 0) return true;
  const message = `needs root: ${why}`;
  if (process.env['CI'] === 'true') throw new Error(`${message}, and CI runs as root`);
  t.skip(message);
  return false;
}
