import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { generateSshKeyPair } from '../../../src/index.js';
import { tempDir } from '../../helpers/temp-dir.js';

const run = promisify(execFile);
const cli = fileURLToPath(new URL('../../../src/cli/main.js', import.meta.url));
const { version } = JSON.parse(readFileSync(new URL('../../../../package.json', import.meta.url), 'utf8')) as { version: string };

describe('envboot command', () => {
  it('prints its version', async () => {
    const { stdout } = await run(process.execPath, [cli, '--version']);
    assert.equal(stdout.trim(), version);
  });

  it('is an executable file, as npx and package managers run it', async () => {
    const { stdout } = await run(cli, ['--version']);
    assert.equal(stdout.trim(), version);
  });

  it('prints its usage to stderr and exits 2 when no command is given, with or without options', async () => {
    for (const args of [[], ['--debug'], ['--log-file', '/dev/null']]) {
      await assert.rejects(run(process.execPath, [cli, ...args]), (error: { code?: number; stdout?: string; stderr?: string }) => {
        assert.equal(error.code, 2, args.join(' '));
        assert.match(error.stderr ?? '', /^Usage: envboot \[options\] \[command\]/);
        assert.equal(error.stdout, '');
        return true;
      });
    }
  });

  it('prints its help to stdout and exits 0 when asked', async () => {
    for (const args of [['--help'], ['help']]) {
      const { stdout } = await run(process.execPath, [cli, ...args]);
      assert.match(stdout, /^Usage: envboot/, args.join(' '));
    }
  });

  it('lists every command in its help, and each command has its own help with examples', async () => {
    const { stdout } = await run(process.execPath, [cli, '--help']);
    const commands = ['bootstrap', 'add-machine', 'remove-machine', 'status', 'exec', 'ssh', 'destroy', 'environments', 'providers'];
    for (const command of commands) {
      assert.match(stdout, new RegExp(`^  ${command} `, 'm'));
      const help = await run(process.execPath, [cli, command, '--help']);
      assert.match(help.stdout, new RegExp(`^Usage: envboot ${command} `));
      assert.match(help.stdout, /Examples:\n {2}\$ envboot /);
    }
    assert.match(stdout, /Exit codes: 0 ok, 1 failed, 2 bad input, 3 credentials, 130 interrupted/);
  });

  it('loads neither ssh2, winston nor a provider to print its help or version', async () => {
    const dir = await tempDir('envboot-imports-');
    for (const args of [['--help'], ['--version'], ['status', '--help']]) {
      const file = path.join(dir, `${args.join('')}.txt`);
      const hooks = fileURLToPath(new URL('../../helpers/record-imports.js', import.meta.url));
      await run(process.execPath, ['--import', hooks, cli, ...args], { env: { ...process.env, ENVBOOT_TEST_IMPORTS_FILE: file } });
      const loaded = readFileSync(file, 'utf8');
      assert.match(loaded, /commander/, 'the recorder saw the imports');
      assert.doesNotMatch(loaded, /node_modules\/(ssh2|winston|js-yaml|@aws-sdk)\//, args.join(' '));
      assert.doesNotMatch(loaded, /\/providers\//, args.join(' '));
    }
  });

  it('refuses an unknown command with exit code 2 and says what to do', async () => {
    await assert.rejects(run(process.execPath, [cli, 'frobnicate']), (error: { code?: number; stderr?: string }) => {
      assert.equal(error.code, 2);
      assert.match(error.stderr ?? '', /Error: unknown command 'frobnicate'\n\(add --help for usage\)/);
      return true;
    });
  });
  it('refuses a private key given as an argument without printing any of it, for every command', async () => {
    const { privateKey } = generateSshKeyPair();
    const body = privateKey.split('\n')[1] ?? '';
    for (const args of [['authorize', 'demo', privateKey], ['revoke', 'demo', privateKey], ['frobnicate', privateKey]]) {
      await assert.rejects(run(process.execPath, [cli, ...args]), (error: { code?: number; stdout?: string; stderr?: string }) => {
        assert.equal(error.code, 2, args[0]);
        assert.match(error.stderr ?? '', new RegExp(`argument ${args.length} is a private key.*Give the public half instead`));
        assert.ok(body.length > 20 && !(error.stderr ?? '').includes(body) && !(error.stdout ?? '').includes(body), 'no part of the key is printed');
        return true;
      });
    }
  });
});
