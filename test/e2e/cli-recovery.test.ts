import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { processesMentioning } from '../helpers/processes.js';
import { requireTool } from '../helpers/require-tool.js';
import { cliHome, collect, finalResult } from '../src/cli/cli-harness.js';
import { destroyLeftovers, leftovers, requireLocalMachines, waitForEvent } from './cli-fixtures.js';

const slowEnvironment = 'environments:\n  slow:\n    provider: local\n    options:\n      boot-delay: 60s\n';

async function recordedUuid(dir: string): Promise<string> {
  return (JSON.parse(await readFile(path.join(dir, 'environment.json'), 'utf8')) as { uuid: string }).uuid;
}

describe('envboot keeps its local records in line with provider-state', () => {
  it('recovers a lost record, corrects a wrong one, and refuses a second bootstrap without losing track', async (t) => {
    if (!(await requireLocalMachines(t))) return;
    const cli = await cliHome('envboot-cli-rec-');
    destroyLeftovers(cli);
    const boot = await cli.run(['bootstrap', 'demo', '--json']);
    assert.equal(boot.code, 0, boot.stderr);
    const uuid = (finalResult(boot)['result'] as { environment: { uuid: string } }).environment.uuid;
    const dir = cli.environmentDir('demo');

    await rm(path.join(dir, 'environment.json'));
    const again = await cli.run(['bootstrap', 'demo']);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /already bootstrapped/);
    assert.equal(await recordedUuid(dir), uuid, 'the record came back from provider-state, not with a new UUID');

    // A client without the key: the claim finds the environment, and no useless new key is left behind.
    await rename(path.join(dir, 'client-key'), path.join(dir, 'client-key.saved'));
    const keyless = await cli.run(['bootstrap', 'demo']);
    assert.equal(keyless.code, 1);
    assert.match(keyless.stderr, /already bootstrapped/);
    assert.equal(existsSync(path.join(dir, 'client-key')), false);
    await rename(path.join(dir, 'client-key.saved'), path.join(dir, 'client-key'));

    await writeFile(path.join(dir, 'environment.json'), JSON.stringify({ name: 'demo', uuid: randomUUID(), provider: 'local', createdAt: new Date().toISOString() }));
    const status = await cli.run(['status', 'demo']);
    assert.equal(status.code, 0, status.stderr);
    assert.match(status.stderr, /but provider-state says .*: the record now follows provider-state/);
    assert.equal(await recordedUuid(dir), uuid);

    const destroyed = await cli.run(['destroy', 'demo', '--yes']);
    assert.equal(destroyed.code, 0, destroyed.stderr);
    assert.deepEqual(await leftovers(cli), { processes: [], files: [] }, 'the controller was found and stopped');
  });

  it('lets one bootstrap or destroy change an environment at a time on one client', async (t) => {
    if (!(await requireLocalMachines(t))) return;
    const cli = await cliHome('envboot-cli-lock-');
    destroyLeftovers(cli);
    await cli.write('environments.yaml', slowEnvironment);
    const first = cli.start(['bootstrap', 'slow', '--json']);
    const done = collect(first);
    await waitForEvent(first, (e) => e['type'] === 'instance.started');
    for (const args of [['bootstrap', 'slow'], ['destroy', 'slow', '--yes']]) {
      const second = await cli.run(args);
      assert.equal(second.code, 1, second.stderr);
      assert.match(second.stderr, /another envboot command is changing environment "slow" on this client/);
    }
    first.kill('SIGINT');
    assert.equal((await done).code, 130);
    assert.deepEqual(await leftovers(cli), { processes: [], files: [] }, 'the second runs took nothing away from the first, which cleaned up');
  });

  it('gives up at --timeout with exit code 1 and TIMEOUT, after cleaning up', async (t) => {
    if (!(await requireLocalMachines(t))) return;
    const cli = await cliHome('envboot-cli-tmo-');
    destroyLeftovers(cli);
    await cli.write('environments.yaml', slowEnvironment);
    const run = await cli.run(['bootstrap', 'slow', '--timeout', '2s', '--json']);
    assert.equal(run.code, 1, run.stdout);
    const result = finalResult(run) as { error: { code: string; message: string } };
    assert.equal(result.error.code, 'TIMEOUT');
    assert.match(result.error.message, /did not finish within 2(\.0)?s \(--timeout\)/);
    assert.deepEqual(await leftovers(cli), { processes: [], files: [] });
  });

  it('passes SIGTERM on to the ssh client it runs', async (t) => {
    if (!(await requireLocalMachines(t))) return;
    if (requireTool(t, 'ssh', 'envboot ssh runs the OpenSSH client') === undefined) return;
    const cli = await cliHome('envboot-cli-sshterm-');
    destroyLeftovers(cli);
    assert.equal((await cli.run(['bootstrap', 'demo'])).code, 0);
    const session = cli.start(['ssh', 'demo', '0', '--', 'sleep 300']);
    const done = collect(session);
    const alias = 'HostKeyAlias=envboot-demo-machine-0';
    for (let i = 0; i < 200 && processesMentioning(alias).length === 0; i += 1) await new Promise((resolve) => setTimeout(resolve, 50));
    assert.ok(processesMentioning(alias).length > 0, 'ssh started');
    session.kill('SIGTERM');
    const ended = await done;
    assert.notEqual(ended.code, 0);
    assert.deepEqual(processesMentioning(alias), [], 'no ssh client left behind');
    assert.equal((await cli.run(['destroy', 'demo', '--yes'])).code, 0);
  });
});
