import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import type { ChildProcess } from 'node:child_process';
import type { TestContext } from 'node:test';
import { checkSandboxSupport } from '../../providers/local/preflight.js';
import { processesMentioning } from '../helpers/processes.js';
import { requireTool } from '../helpers/require-tool.js';
import type { CliHome } from '../src/cli/cli-harness.js';

/**
 * True when this host can run local machines; otherwise the test is skipped with the
 * reason, except in CI, where the reason fails it.
 */
export async function requireLocalMachines(t: TestContext): Promise<boolean> {
  if (requireTool(t, 'unshare', 'local machines are user namespaces') === undefined) return false;
  if (requireTool(t, 'nsenter', 'commands enter the machines with it') === undefined) return false;
  try {
    await checkSandboxSupport();
    return true;
  } catch (error) {
    if (process.env['CI'] === 'true') throw error;
    t.skip(`local machines are not possible on this host: ${(error as Error).message}`);
    return false;
  }
}

/**
 * Destroys, when the test ends and before its home is removed, whatever environments the
 * CLI home still holds: a failed test must not leave machines running.
 */
export function destroyLeftovers(cli: CliHome): void {
  cli.beforeRemoval(async () => {
    for (const name of cli.environmentDirs()) await cli.run(['destroy', name, '--yes'], { timeoutMs: 60_000 });
  });
}

/** What is left of envboot's machines and files under the home: processes, and files in the environment directories. */
export async function leftovers(cli: CliHome): Promise<{ processes: number[]; files: string[] }> {
  const root = `${cli.home}/data/environments`;
  const files = existsSync(root) ? (await readdir(root, { recursive: true })).map(String) : [];
  return { processes: processesMentioning(cli.home), files };
}

/** Resolves with the first NDJSON event on the child's stdout for which `match` holds. */
export function waitForEvent(child: ChildProcess, match: (event: Record<string, unknown>) => boolean): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    let buffered = '';
    const onData = (chunk: Buffer): void => {
      buffered += chunk.toString('utf8');
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        if (line.trim() === '') continue;
        const event = JSON.parse(line) as Record<string, unknown>;
        if (match(event)) {
          child.stdout?.off('data', onData);
          resolve(event);
          return;
        }
      }
    };
    child.stdout?.on('data', onData);
    child.once('exit', (code) => { reject(new Error(`the CLI exited (${String(code)}) before the awaited event`)); });
  });
}
