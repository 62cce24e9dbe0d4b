import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const cli = fileURLToPath(new URL('../../../src/cli/main.js', import.meta.url));
const { version } = JSON.parse(readFileSync(new URL('../../../../package.json', import.meta.url), 'utf8')) as { version: string };

describe('envboot command', () => {
  it('prints its version', async () => {
    const { stdout } = await run(process.execPath, [cli, '--version']);
    assert.equal(stdout.trim(), version);
  });

  it('prints help with no arguments', async () => {
    const { stdout } = await run(process.execPath, [cli]);
    assert.match(stdout, /^Usage: envboot/);
  });

  it('refuses an unknown command with exit code 2 and says what to do', async () => {
    await assert.rejects(run(process.execPath, [cli, 'frobnicate']), (error: { code?: number; stderr?: string }) => {
      assert.equal(error.code, 2);
      assert.match(error.stderr ?? '', /unknown command "frobnicate"; run "envboot --help"/);
      return true;
    });
  });
});
