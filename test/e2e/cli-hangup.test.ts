import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { describe, it } from 'node:test';
import { isRunning } from '../helpers/processes.js';
import { requireTool } from '../helpers/require-tool.js';
import { cliHome, cliPath } from '../src/cli/cli-harness.js';
import { destroyLeftovers, leftovers, requireLocalMachines } from './cli-fixtures.js';

const quote = (word: string): string => `'${word.replaceAll("'", "'\\''")}'`;

/** Polls `check` every 100 ms until it returns a value, for up to `ms`. */
async function waitFor<T>(what: string, ms: number, check: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const value = await check();
    if (value !== undefined) return value;
    await delay(100);
  }
  throw new Error(`gave up waiting for ${what} after ${ms} ms`);
}

describe('closing the terminal mid-bootstrap', () => {
  it('cleans up, exits 129, and prints no assertion or stack trace', async (t) => {
    if (!(await requireLocalMachines(t))) return;
    const script = requireTool(t, 'script', 'util-linux script gives the CLI a real terminal to lose');
    if (script === undefined) return;
    const cli = await cliHome('envboot-cli-hangup-');
    destroyLeftovers(cli);
    const slow = await cli.write('slow.yaml', '#cloud-config\nruncmd:\n  - sleep 60\n');
    await cli.write('environments.yaml', `environments:\n  hup:\n    provider: local\n    controller-cloud-config: ${slow}\n`);
    const log = path.join(cli.home, 'debug.log');
    const errors = path.join(cli.home, 'stderr.txt');
    // envboot is the terminal's session leader (exec), as a shell's foreground command is to the kernel; stdin and
    // stdout stay on the terminal, stderr goes to a file that outlives it, so that anything printed after the hang-up is kept.
    const command = `exec ${[process.execPath, cliPath, '--log-file', log, 'bootstrap', 'hup'].map(quote).join(' ')} 2>${quote(errors)}`;
    const terminal = spawn(script, ['-qfec', command, '/dev/null'], {
      env: { ...process.env, ENVBOOT_HOME: cli.home, HOME: cli.home, TERM: 'xterm', NO_COLOR: '1' },
      stdio: ['pipe', 'ignore', 'ignore'],
    });
    const text = (): Promise<string> => readFile(log, 'utf8').catch(() => '');
    let pid: number | undefined;
    try {
      pid = await waitFor('envboot to start', 30_000, async () => {
        const started = /envboot bootstrap started \{"command":"bootstrap","pid":(\d+)/.exec(await text());
        return started === null ? undefined : Number(started[1]);
      });
      await waitFor('the configure step', 60_000, async () => ((await text()).includes('"phase":"configure"') ? true : undefined));
    } finally {
      // The terminal goes away: its master side closes and the kernel hangs up envboot's terminal (SIGHUP; writes now fail with EIO).
      terminal.kill('SIGKILL');
    }
    const envboot = pid;
    await waitFor('envboot to finish its clean-up and exit', 60_000, () => Promise.resolve(isRunning(envboot) ? undefined : true));

    const printed = await readFile(errors, 'utf8');
    assert.doesNotMatch(printed, /Assertion|Native stack trace|node::|^\s+at /m, printed);
    const logged = await text();
    assert.match(logged, /debug SIGHUP received \(interrupt 1\): the terminal hung up/);
    assert.match(logged, /debug cleanup\.removed .*"resource":"instance local-/);
    assert.match(logged, /debug envboot bootstrap finished: exit code 129 after /);
    assert.doesNotMatch(logged, /Assertion|Native stack trace/);
    assert.deepEqual(await leftovers(cli), { processes: [], files: [] }, 'the clean-up finished: no machine, no environment left');
  });
});
