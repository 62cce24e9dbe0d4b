import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cliHome, jsonLines } from '../src/cli/cli-harness.js';
import { destroyLeftovers, requireLocalMachines } from './cli-fixtures.js';

describe('progress of machines booting side by side', () => {
  it('names the machine on every SSH and configure line in plain mode, and on every event with --json', async (t) => {
    if (!(await requireLocalMachines(t))) return;
    const cli = await cliHome('envboot-cli-parallel-');
    destroyLeftovers(cli);
    await cli.write('environments.yaml', 'environments:\n  side:\n    provider: local\n');
    const bootstrap = await cli.run(['bootstrap', 'side']);
    assert.equal(bootstrap.code, 0, bootstrap.stderr);
    const config = await cli.write('step.yaml', '#cloud-config\nruncmd:\n  - echo configured\n');

    const plain = await cli.run(['add-machine', 'side', '-n', '3', '--cloud-config', config]);
    assert.equal(plain.code, 0, plain.stderr);
    // Each line without its time stamp.
    const lines = plain.stderr.split('\n').map((line) => line.replace(/^\[[^\]]+\] /, ''));
    const ssh = lines.filter((line) => /trying|verified|nonce|address|refresh/.test(line) && !/\.\.\.$|: done \(/.test(line));
    const configure = lines.filter((line) => /step \d+\/\d+/.test(line));
    assert.ok(ssh.length >= 6, `at least a "trying" and a "verified" line per machine:\n${plain.stderr}`);
    for (const line of [...ssh, ...configure]) assert.match(line, /^machine [123]: (SSH|configure): /, line);
    for (const machine of ['1', '2', '3']) {
      assert.ok(ssh.some((line) => line.startsWith(`machine ${machine}: SSH: trying 127.`)), `machine ${machine}'s addresses`);
      assert.ok(ssh.some((line) => new RegExp(`^machine ${machine}: SSH: verified 127\\.[0-9.]+:\\d+ after \\d+ attempt`).test(line)), `machine ${machine}'s verified address`);
      assert.ok(configure.some((line) => line.startsWith(`machine ${machine}: configure: step 1/1: runcmd`)), `machine ${machine}'s configure step`);
    }

    const json = await cli.run(['add-machine', 'side', '-n', '2', '--json']);
    assert.equal(json.code, 0, json.stderr);
    const progress = jsonLines(json).filter((e) => e['type'] === 'wait-ssh' || e['type'] === 'configure');
    assert.ok(progress.length > 0);
    for (const event of progress) assert.match(String(event['machineId']), /^[45]$/, JSON.stringify(event));
  });
});
