import assert from 'node:assert/strict';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  configureMachine,
  connectSsh,
  generateSshKeyPair,
  isCancelled,
  isRemoteCommandFailed,
  isTimeout,
  type ConfigureEvent,
  type SshConnection,
} from '../../../src/index.js';
import { SshTestHost } from '../../../src/testing/index.js';

const client = generateSshKeyPair();
let host: SshTestHost;
let connection: SshConnection;

before(async () => {
  host = await SshTestHost.start({ authorizedKeys: [client.publicKey] });
  connection = await connectSsh({ host: host.hostname, port: host.port, user: 'root', privateKey: client.privateKey, hostKeys: [host.hostPublicKey] });
});
after(async () => {
  connection.close();
  await host.stop();
});

/** Uploaded scripts in the machine's /tmp, and running copies of this file's long command (a duration no other test uses: test files run side by side). */
async function leftovers(): Promise<{ scripts: number; sleeps: number }> {
  const result = await connection.exec({ command: 'ls /tmp | grep -c envboot-configure; pgrep -fc "^sleep 30.017$"' });
  const [scripts, sleeps] = result.stdout.toString().trim().split('\n').map(Number);
  return { scripts: scripts ?? -1, sleeps: sleeps ?? -1 };
}

/** Waits (up to 2 s) until what the run left behind is back to `baseline`. */
async function assertCleanedUp(baseline: { scripts: number; sleeps: number }): Promise<void> {
  let now = await leftovers();
  for (let i = 0; i < 20 && (now.scripts > baseline.scripts || now.sleeps > 0); i += 1) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    now = await leftovers();
  }
  assert.deepEqual(now, { scripts: baseline.scripts, sleeps: 0 }, 'the script file is removed and nothing it started runs on');
}

describe('configureMachine', () => {
  it('applies the config on the machine, streaming steps and output lines', async () => {
    const baseline = await leftovers();
    const events: ConfigureEvent[] = [];
    const result = await configureMachine({
      connection,
      rootPrefix: host.root,
      config: {
        write_files: [{ path: '/etc/app.conf', content: 'port = 8080\n', permissions: '0640' }],
        runcmd: ['echo configured', 'echo warning >&2'],
      },
      onEvent: (e) => events.push(e),
    });
    assert.equal(result.steps, 3);
    assert.equal(await readFile(path.join(host.root, 'etc/app.conf'), 'utf8'), 'port = 8080\n');
    assert.equal((await stat(path.join(host.root, 'etc/app.conf'))).mode & 0o777, 0o640);
    assert.deepEqual(
      events.filter((e) => e.type === 'configure.step').map((e) => e.name),
      ['write_files[0] /etc/app.conf', 'runcmd[0]', 'runcmd[1]'],
    );
    assert.ok(events.some((e) => e.type === 'configure.output' && e.stream === 'stdout' && e.line === 'configured'));
    assert.ok(events.some((e) => e.type === 'configure.output' && e.stream === 'stderr' && e.line === 'warning'));
    await assertCleanedUp(baseline);
  });

  it('fails with the exit status and the last 20 lines of output', async () => {
    const runcmd = [...Array.from({ length: 30 }, (_, i) => `echo line-${i}`), 'echo about to fail >&2; exit 42'];
    await assert.rejects(configureMachine({ connection, rootPrefix: host.root, config: { runcmd } }), (error: unknown) => {
      assert.ok(isRemoteCommandFailed(error));
      const failure = error as Error & { exitCode?: number; outputTail: string[] };
      assert.equal(failure.exitCode, 42);
      assert.equal(failure.outputTail.length, 20);
      // stdout and stderr arrive on separate streams, so only membership is certain.
      assert.ok(failure.outputTail.includes('envboot: step runcmd[30] failed with exit status 42'));
      assert.match(failure.message, /the script exited with status 42; last 20 lines of output:\n/);
      assert.match(failure.message, /about to fail/);
      return true;
    });
  });

  it('stops the remote script when cancelled', async () => {
    const baseline = await leftovers();
    const controller = new AbortController();
    const pending = configureMachine({
      connection,
      rootPrefix: host.root,
      config: { runcmd: ['echo started', 'sleep 30.017', 'touch "$ENVBOOT_ROOT/after-cancel"'] },
      signal: controller.signal,
      onEvent: (e) => {
        if (e.type === 'configure.output' && e.line === 'started') controller.abort();
      },
    });
    await assert.rejects(pending, (error: unknown) => isCancelled(error) && /the script was stopped/.test((error as Error).message));
    await assertCleanedUp(baseline);
    await assert.rejects(stat(path.join(host.root, 'after-cancel')), { code: 'ENOENT' });
  });

  it('stops the remote script at its deadline', async () => {
    const baseline = await leftovers();
    await assert.rejects(
      configureMachine({ connection, rootPrefix: host.root, config: { runcmd: ['sleep 30.017'] }, timeoutMs: 500 }),
      (error: unknown) => isTimeout(error) && /took longer than 1 s and was stopped/.test((error as Error).message),
    );
    await assertCleanedUp(baseline);
  });

  it('refuses an invalid config before touching the machine', async () => {
    await assert.rejects(configureMachine({ connection, config: { runcmd: 'not a list' } as never }), /runcmd: must be a list/);
  });
});
