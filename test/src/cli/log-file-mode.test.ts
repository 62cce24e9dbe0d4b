import assert from 'node:assert/strict';
import { chmod, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { cliHome } from './cli-harness.js';

describe('envboot --log-file', () => {
  it('makes an existing 0644 log file 0600 and appends to it', async () => {
    const cli = await cliHome('envboot-log-mode-');
    const file = path.join(cli.home, 'envboot.log');
    await writeFile(file, 'an earlier run\n');
    await chmod(file, 0o644);
    const run = await cli.run(['--log-file', file, 'environments']);
    assert.equal(run.code, 0, run.stderr);
    assert.equal((await stat(file)).mode & 0o777, 0o600);
    assert.match(await readFile(file, 'utf8'), /^an earlier run\n/);
  });

  it('creates a new log file 0600', async () => {
    const cli = await cliHome('envboot-log-mode-');
    const file = path.join(cli.home, 'new.log');
    const run = await cli.run(['--log-file', file, 'environments']);
    assert.equal(run.code, 0, run.stderr);
    assert.equal((await stat(file)).mode & 0o777, 0o600);
  });

  it('says in its help that the file is made 0600', async () => {
    const cli = await cliHome('envboot-log-mode-');
    const run = await cli.run(['--help']);
    assert.match(run.stdout, /--log-file <file>\s+append a debug log to FILE, made 0600 \(new or\s+existing\)/);
  });
});
