import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { describe, it } from 'node:test';
import { collect, cliHome, jsonLines } from '../src/cli/cli-harness.js';
import { destroyLeftovers, leftovers, requireLocalMachines, waitForEvent } from './cli-fixtures.js';

// Machines that take long to boot, so that the interrupt lands while bootstrap waits for SSH.
const slowEnvironment = 'environments:\n  slow:\n    provider: local\n    options:\n      boot-delay: 60s\n';

describe('Ctrl-C during envboot bootstrap', () => {
  it('stops, removes what the run created, says so, and exits 130', async (t) => {
    if (!(await requireLocalMachines(t))) return;
    const cli = await cliHome('envboot-cli-int-');
    destroyLeftovers(cli);
    await cli.write('environments.yaml', slowEnvironment);
    const child = cli.start(['bootstrap', 'slow', '--json']);
    const done = collect(child);
    const started = await waitForEvent(child, (e) => e['type'] === 'instance.started');
    child.kill('SIGINT');
    const run = await done;
    assert.equal(run.code, 130, run.stderr);
    const lines = jsonLines(run);
    const notices = lines.filter((e) => e['type'] === 'notice').map((e) => e['message']);
    assert.ok(notices.some((m) => /Interrupted: stopping, and removing what this run created/.test(String(m))), JSON.stringify(notices));
    const removed = lines.filter((e) => e['type'] === 'cleanup.removed').map((e) => String(e['resource']));
    assert.ok(removed.some((r) => r.includes(String(started['instanceId']))), `the instance was removed: ${JSON.stringify(removed)}`);
    const result = lines.at(-1) as { type: string; exitCode: number; error: { code: string } };
    assert.deepEqual([result.type, result.exitCode, result.error.code], ['result', 130, 'CANCELLED']);
    assert.deepEqual(await leftovers(cli), { processes: [], files: [] }, 'the environment was forgotten: nothing of it exists');
  });

  it('stops cleaning up at a second Ctrl-C, says what was left, and destroy removes it', async (t) => {
    if (!(await requireLocalMachines(t))) return;
    const cli = await cliHome('envboot-cli-int2-');
    destroyLeftovers(cli);
    await cli.write('environments.yaml', slowEnvironment);
    const child = cli.start(['bootstrap', 'slow']);
    const done = collect(child);
    // Signals sent back to back can merge into one: the second goes once the first is seen.
    await stderrMatches(child, /instance \S+ started/);
    child.kill('SIGINT');
    await stderrMatches(child, /Interrupted: stopping/);
    child.kill('SIGINT');
    const run = await done;
    assert.equal(run.code, 130, run.stderr);
    if (/Interrupted again: the clean-up stops here/.test(run.stderr)) {
      assert.match(run.stderr, /(Not cleaned up|Left behind): .*\. "envboot destroy slow" removes everything the environment owns/);
    } else {
      // The clean-up of a local machine can finish before the second signal arrives.
      assert.match(run.stderr, /Removed what this run created/);
    }
    const destroyed = await cli.run(['destroy', 'slow', '--yes']);
    assert.equal(destroyed.code, 0, destroyed.stderr);
    assert.deepEqual(await leftovers(cli), { processes: [], files: [] });
  });
});

function stderrMatches(child: ChildProcess, pattern: RegExp): Promise<void> {
  let seen = '';
  return new Promise((resolve) => {
    const onData = (chunk: Buffer | string): void => {
      seen += chunk.toString();
      if (pattern.test(seen)) {
        child.stderr?.off('data', onData);
        resolve();
      }
    };
    child.stderr?.on('data', onData);
  });
}
