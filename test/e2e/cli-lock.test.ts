import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { describe, it } from 'node:test';
import { cliHome, collect, finalResult } from '../src/cli/cli-harness.js';
import { destroyLeftovers, leftovers, requireLocalMachines, waitForEvent } from './cli-fixtures.js';

// Machines that take long to boot, so that the bootstrap holds the lock while the test looks.
const slowEnvironment = 'environments:\n  slow:\n    provider: local\n    options:\n      boot-delay: 60s\n';

describe("the environment lock, as the operator meets it", () => {
  it('names the command that holds it, and is taken over at once when that command is killed', async (t) => {
    if (!(await requireLocalMachines(t))) return;
    const cli = await cliHome('envboot-cli-held-');
    destroyLeftovers(cli);
    await cli.write('environments.yaml', slowEnvironment);
    const holder = cli.start(['bootstrap', 'slow', '--json']);
    const done = collect(holder);
    await waitForEvent(holder, (e) => e['type'] === 'instance.started');
    const pid = String(holder.pid);

    const refused = await cli.run(['destroy', 'slow', '--yes', '--json']);
    assert.equal(refused.code, 1, refused.stderr);
    const { error } = finalResult(refused) as { error: { code: string; message: string } };
    assert.equal(error.code, 'PRECONDITION_FAILED');
    assert.match(error.message, new RegExp(`"envboot bootstrap slow" \\(pid ${pid} on this host, since \\d{4}-\\d\\d-\\d\\dT[\\d:]{8}Z \\(`));
    assert.match(error.message, new RegExp(`stop it \\(Ctrl-C where it runs, or "kill ${pid}"\\), then run "envboot destroy slow" again`));

    holder.kill('SIGKILL');
    assert.equal((await done).signal, 'SIGKILL');
    assert.ok(existsSync(`${cli.environmentDir('slow')}.lock`), 'the killed bootstrap left its lock');
    const begun = performance.now();
    const destroyed = await cli.run(['destroy', 'slow', '--yes']);
    t.diagnostic(`destroy right after the SIGKILLed bootstrap took ${Math.round(performance.now() - begun)} ms`);
    assert.equal(destroyed.code, 0, destroyed.stderr);
    assert.deepEqual(await leftovers(cli), { processes: [], files: [] });
  });
});
