import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { describe, it } from 'node:test';
import { ErrorCode, findInChain, hasConsoleOutput, machineTags, type ConsoleEnviron, type ZonedEnviron } from '../../../src/index.js';
import { machineUserData, openEnvironment, openLocal, waitUntilBooted } from './fixtures.js';

function consoleAbility(environ: ZonedEnviron): ConsoleEnviron {
  assert.ok(hasConsoleOutput(environ), 'the local provider has the console ability');
  return environ;
}

/** Starts machine `machineId` with `runcmd` and waits until it is running or failed. */
async function startAndBoot(environ: ZonedEnviron, machineId: string, runcmd: string[]): Promise<string> {
  const { userData } = machineUserData({ runcmd });
  const { instance } = await environ.startInstance({ machineId, constraints: {}, userData, tags: machineTags(environ.environment, machineId) });
  await waitUntilBooted(environ, instance.id);
  return instance.id;
}

/** The index of the first line matching `pattern`; fails when none does. */
function lineOf(lines: readonly string[], pattern: RegExp): number {
  const index = lines.findIndex((line) => pattern.test(line));
  assert.ok(index >= 0, `no line matches ${String(pattern)} in:\n${lines.join('\n')}`);
  return index;
}

describe('local provider: console output', () => {
  it("shows, in order, the agent's lines about the machine and what its first boot printed; the last lines only when asked", async (t) => {
    const opened = await openEnvironment(t, { prefix: 'envboot-local-console-' });
    if (opened === undefined) return;
    const { dataDir } = opened;
    const environ = consoleAbility(opened.environ);
    const id = await startAndBoot(opened.environ, '0', ['echo first-boot-says-hello', 'printf "no newline at the end"']);
    const other = await startAndBoot(opened.environ, '1', ['echo the-other-machine']);

    const output = await environ.consoleOutput({ id });
    assert.ok(output !== undefined);
    const lines = output.text.split('\n');
    const started = lineOf(lines, new RegExp(`machine ${id}: starting in local-`));
    const listening = lineOf(lines, new RegExp(`machine ${id}: SSH listening on 127\\.\\d+\\.\\d+\\.\\d+:\\d+ \\(public\\) and 127\\.\\d+\\.\\d+\\.\\d+:\\d+ \\(cloud-local\\)`));
    const firstBoot = lineOf(lines, new RegExp(`machine ${id}: first boot: applying the user-data`));
    const printed = lineOf(lines, /^first-boot-says-hello$/);
    const running = lineOf(lines, new RegExp(`machine ${id}: running$`));
    assert.ok(started < listening && listening < firstBoot && firstBoot < printed && printed < running, `out of order:\n${output.text}`);
    assert.ok(lines.some((line) => line.endsWith('no newline at the end')), 'the last output line, unended, is kept');
    assert.ok(!output.text.includes(other) && !output.text.includes('the-other-machine'), `the other machine's lines are not this one's:\n${output.text}`);
    const consoleLog = path.join(dataDir, 'machines', id, 'console.log');
    assert.equal(output.location, `${consoleLog} (its first boot) and ${path.join(dataDir, 'agent.log')} (lines naming ${id})`);

    const last = await environ.consoleOutput({ id, lines: 2 });
    assert.ok(last !== undefined);
    assert.equal(last.text.split('\n').length, 2, last.text);
    assert.match(last.text, new RegExp(`no newline at the end\\n.*machine ${id}: running$`));
    assert.match((await environ.consoleOutput({ id: other }))?.text ?? '', /^the-other-machine$/m);
  });

  it('explains a machine whose first boot failed: its output, then why the agent gave up on it', async (t) => {
    const opened = await openEnvironment(t, { prefix: 'envboot-local-console-failed-' });
    if (opened === undefined) return;
    const environ = consoleAbility(opened.environ);
    const id = await startAndBoot(opened.environ, '0', ['echo disk-not-mounted >&2', 'exit 4']);
    assert.equal((await opened.environ.instances({ ids: [id] }))[0]?.status, 'failed');
    const lines = (await environ.consoleOutput({ id }))?.text.split('\n') ?? [];
    const printed = lineOf(lines, /^disk-not-mounted$/);
    const failed = lineOf(lines, new RegExp(`machine ${id} failed: applying the user-data failed with exit status 4`));
    assert.ok(printed < failed, lines.join('\n'));
  });

  it("is undefined for an unknown id, another environment's machine and a stopped one; CANCELLED when aborted", async (t) => {
    const opened = await openEnvironment(t, { prefix: 'envboot-local-console-owner-' });
    if (opened === undefined) return;
    const { dataDir } = opened;
    const environ = consoleAbility(opened.environ);
    const id = await startAndBoot(opened.environ, '0', ['echo mine']);
    for (const unknown of ['local-12345678', '../../etc', 'local-1234567', '']) {
      assert.equal(await environ.consoleOutput({ id: unknown }), undefined, JSON.stringify(unknown));
    }
    const stranger = await openLocal(t, { dataDir, uuid: randomUUID() });
    assert.ok(stranger !== undefined);
    assert.equal(await consoleAbility(stranger).consoleOutput({ id }), undefined, "another environment on the same data directory reads this one's console");
    assert.match((await environ.consoleOutput({ id }))?.text ?? '', /^mine$/m, 'its own environment reads it');
    await assert.rejects(environ.consoleOutput({ id, signal: AbortSignal.abort() }), (error: Error) => findInChain(error, ErrorCode.Cancelled) !== undefined);
    await opened.environ.stopInstances({ ids: [id], waitUntilGone: true });
    assert.equal(await environ.consoleOutput({ id }), undefined, 'a stopped machine has no console');
  });
});
