import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { cliHome, finalResult } from './cli-harness.js';

interface BadLogsInput {
  readonly name: string;
  /** `HOME/…` is a path under the test's ENVBOOT_HOME. */
  readonly args: readonly string[];
  readonly says: readonly RegExp[];
}

/** Every entry exits 2, says what is wrong and what to do, and creates nothing (no environment, no --output folder). */
const corpus: readonly BadLogsInput[] = [
  { name: 'no environment', args: ['logs'], says: [/missing required argument 'env'/] },
  { name: 'too many arguments', args: ['logs', 'demo', '0', '1'], says: [/too many arguments for 'logs'/] },
  { name: 'a line count of 0', args: ['logs', 'demo', '-n', '0'], says: [/"0" is not a line count; give a whole number from 1 to 100000/] },
  { name: 'a line count that is not a number', args: ['logs', 'demo', '--lines', 'many'], says: [/"many" is not a line count/] },
  { name: 'a line count over the limit', args: ['logs', 'demo', '--lines', '100001'], says: [/"100001" is not a line count/, /--output DIR/] },
  { name: '-f with --output', args: ['logs', 'demo', '-f', '--output', 'HOME/out'], says: [/-f follows the configure log on the terminal and --output writes files: give one or the other/] },
  { name: '-f with --console', args: ['logs', 'demo', '-f', '--console'], says: [/-f follows the configure log only: drop --console and --cloud-init/] },
  { name: '-f with --cloud-init', args: ['logs', 'demo', '--follow', '--cloud-init', '--configure'], says: [/-f follows the configure log only/] },
  { name: '--output with --lines', args: ['logs', 'demo', '--output', 'HOME/out', '-n', '5'], says: [/--output writes whole files and --lines limits what is printed: drop --lines/] },
  { name: 'an empty --output', args: ['logs', 'demo', '--output', ''], says: [/--output needs a directory, e.g\. --output \.\/logs/] },
  { name: '--output naming a file', args: ['logs', 'demo', '--output', 'HOME/environments.yaml'], says: [/--output: .*environments\.yaml is not a directory/] },
  { name: '--output inside a file', args: ['logs', 'demo', '--output', 'HOME/environments.yaml/logs'], says: [/is not a directory/] },
  { name: 'an unknown environment', args: ['logs', 'nowhere'], says: [/unknown environment "nowhere"/, /envboot environments/] },
  { name: 'several problems at once', args: ['logs', 'demo', '-f', '--console', '--output', 'HOME/out'], says: [/--output writes files/, /drop --console/] },
];

describe('envboot logs refuses bad input with exit code 2, before anything is read or made', () => {
  for (const entry of corpus) {
    it(entry.name, async () => {
      const cli = await cliHome('envboot-cli-logs-bad-');
      await cli.write('environments.yaml', 'environments:\n  demo:\n    provider: local\n');
      const args = entry.args.map((arg) => arg.replace(/^HOME\//, `${cli.home}/`));
      const run = await cli.run(args);
      assert.equal(run.code, 2, `${args.join(' ')}: ${run.stderr}`);
      for (const says of entry.says) assert.match(run.stderr, says);
      assert.deepEqual(cli.environmentDirs(), [], 'no environment directory was made');
      assert.equal(existsSync(path.join(cli.home, 'out')), false, 'no --output folder was made');
    });
  }

  it('reports it as a CONFIG_INVALID result with --json', async () => {
    const cli = await cliHome('envboot-cli-logs-bad-');
    const run = await cli.run(['logs', 'demo', '-f', '--json']);
    assert.equal(run.code, 2, run.stderr);
    const error = finalResult(run)['error'] as { code: string; message: string };
    assert.equal(error.code, 'CONFIG_INVALID');
    assert.match(error.message, /-f prints lines as they come and --json one result at the end: give one or the other/);
  });
});
