import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { requireTool } from '../../helpers/require-tool.js';
import { cliHome, cliPath } from './cli-harness.js';

const run = promisify(execFile);
const esc = '\u001b';

/** Runs the CLI on a real pseudo-terminal (util-linux `script`) and returns what the terminal showed. */
async function onTerminal(script: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<string> {
  const command = [process.execPath, cliPath, ...args].map((word) => `'${word.replaceAll("'", "'\\''")}'`).join(' ');
  const { stdout } = await run(script, ['-qec', command, '/dev/null'], { env: { ...process.env, TERM: 'xterm', ...env } }).catch(
    (error: unknown) => ({ stdout: (error as { stdout: string }).stdout }),
  );
  return stdout;
}

describe('output on a terminal', () => {
  it('draws steps live, in colour, and without colour under NO_COLOR', async (t) => {
    const script = requireTool(t, 'script', 'util-linux script runs the CLI on a pseudo-terminal');
    if (script === undefined) return;
    const cli = await cliHome();
    const args = ['bootstrap', 'demo', '--zone', 'nowhere'];
    const coloured = await onTerminal(script, args, { ENVBOOT_HOME: cli.home, HOME: cli.home, NO_COLOR: '', FORCE_COLOR: '' });
    assert.ok(coloured.includes(`${esc}[1F${esc}[0J`), 'the live line is redrawn in place');
    assert.ok(coloured.includes(`${esc}[31m✖${esc}[39m Checking the provider`), 'a failed step is marked in red');
    assert.match(coloured, /Error:.*cannot meet --zone nowhere[^]*unknown zone "nowhere"/);
    const plain = await onTerminal(script, args, { ENVBOOT_HOME: cli.home, HOME: cli.home, NO_COLOR: '1' });
    assert.match(plain, /✖ Checking the provider/);
    assert.ok(!['1', '2', '31', '32', '33', '36'].some((sgr) => plain.includes(`${esc}[${sgr}m`)), 'no colour with NO_COLOR');
  });

  it('writes plain, timestamped lines when stderr is not a terminal', async () => {
    const cli = await cliHome();
    const result = await cli.run(['bootstrap', 'demo', '--zone', 'nowhere']);
    assert.match(result.stderr, /^\[\d+ms\] Checking the provider \(credentials, quota, constraints\) \.\.\.$/m);
    assert.ok(!result.stderr.includes(esc), 'no escape sequences');
  });
});
