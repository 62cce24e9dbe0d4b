import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cliHome, finalResult } from '../src/cli/cli-harness.js';
import { destroyLeftovers, requireLocalMachines } from './cli-fixtures.js';

// Words of envboot's own code that mean nothing to an operator.
const internalWords = /common code|\bEnviron\b|\bcontract\b|\bCAS\b|compare-and-swap|storage\//;

describe('what destroy tells the operator', () => {
  it('lists what it removed in operators\' words, with no internal ones', async (t) => {
    if (!(await requireLocalMachines(t))) return;
    const cli = await cliHome('envboot-cli-destroy-words-');
    destroyLeftovers(cli);
    await cli.write('environments.yaml', 'environments:\n  words:\n    provider: local\n  json:\n    provider: local\n');
    for (const name of ['words', 'json']) {
      const bootstrap = await cli.run(['bootstrap', name]);
      assert.equal(bootstrap.code, 0, bootstrap.stderr);
    }
    const destroyed = await cli.run(['destroy', 'words', '--yes']);
    assert.equal(destroyed.code, 0, destroyed.stderr);
    const dir = cli.environmentDir('words');
    assert.match(destroyed.stdout, /^Destroyed environment "words" in \S+: 1 instance\(s\) stopped\.$/m);
    assert.match(destroyed.stdout, /^ {2}stopped: instance local-\S+$/m);
    assert.match(destroyed.stdout, /^ {2}removed: local agent \(pid \d+\)$/m);
    assert.match(destroyed.stdout, new RegExp(`^  removed: the local machines' files \\(their filesystems, keys and logs\\) and the agent's files under ${dir}/provider$`, 'm'));
    assert.match(destroyed.stdout, new RegExp(`^  removed: provider-state and the environment's other files in filesystem storage ${dir}/provider/storage$`, 'm'));
    assert.doesNotMatch(destroyed.stdout + destroyed.stderr, internalWords);

    const json = finalResult(await cli.run(['destroy', 'json', '--yes', '--json']));
    const removed = (json['result'] as { removed: string[] }).removed;
    assert.ok(removed.length >= 3, JSON.stringify(removed));
    for (const resource of removed) assert.doesNotMatch(resource, internalWords);
  });
});
