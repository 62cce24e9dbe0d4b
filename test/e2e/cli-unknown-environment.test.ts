import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cliHome, finalResult } from '../src/cli/cli-harness.js';

const environments = 'environments:\n  staging:\n    provider: local\n  production:\n    provider: local\n';

describe('a mistyped environment name', () => {
  it('gets "did you mean", exit 2 and nothing created, from every command that needs an existing environment', async () => {
    const cli = await cliHome('envboot-cli-typo-');
    await cli.write('environments.yaml', environments);
    const commands = [
      ['status', 'stagign'],
      ['exec', 'stagign', '0', '--', 'true'],
      ['ssh', 'stagign', '0'],
      ['logs', 'stagign'],
      ['add-machine', 'stagign'],
      ['destroy', 'stagign', '--yes'],
      ['expose', 'stagign', '8080'],
    ];
    for (const args of commands) {
      const run = await cli.run(args);
      assert.equal(run.code, 2, `${args.join(' ')}: ${run.stderr}`);
      assert.match(run.stderr, /unknown environment "stagign": .*did you mean "staging"\?/, args.join(' '));
      assert.doesNotMatch(run.stderr, /envboot bootstrap stagign/, `${args.join(' ')} must not offer to create the typo`);
    }
    const json = finalResult(await cli.run(['status', 'prodution', '--json']));
    assert.deepEqual([json['exitCode'], (json['error'] as { code: string }).code], [2, 'CONFIG_INVALID']);
    assert.match((json['error'] as { message: string }).message, /did you mean "production"\?/);
    assert.deepEqual(cli.environmentDirs(), [], 'nothing was created');
  });

  it('with no name close, lists the environments there are and says how to bootstrap a new one', async () => {
    const cli = await cliHome('envboot-cli-typo-');
    await cli.write('environments.yaml', environments);
    const run = await cli.run(['status', 'qa']);
    assert.equal(run.code, 2, run.stderr);
    assert.match(run.stderr, /unknown environment "qa": .*the known environments are production, staging .*"envboot bootstrap qa" creates a new one/);
    assert.doesNotMatch(run.stderr, /did you mean/);
    assert.deepEqual(cli.environmentDirs(), []);
  });
});
