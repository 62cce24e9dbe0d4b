import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { planMounts, type MountOp } from '../../../../providers/local/agent/sandbox-plan.js';
import { execInMachine, killHolder } from '../../../../providers/local/agent/sandbox.js';
import { isAlive, waitUntilGone } from '../../../../src/util/process-identity.js';
import { runInMachine, testSandbox } from './sandbox-fixture.js';

describe('machine sandboxes', () => {
  it('reports a setup that fails with its exit status and what it printed', async (t) => {
    const sandbox = await testSandbox(t);
    if (sandbox === undefined) return;
    await assert.rejects(sandbox.start({ script: 'echo "envboot-local: cannot mount the moon" >&2\nexit 3\n', mounts: [] }), {
      name: 'SandboxError',
      message: /setting up the machine's sandbox failed \(exit status 3\): envboot-local: cannot mount the moon/,
    });
  });

  it("makes a machine with a copy of /etc, a /var skeleton and a /dev of harmless devices, and falls back to a plain directory where overlayfs refuses", async (t) => {
    // overlayfs options cannot carry a comma: the mount fails, as where overlayfs is missing.
    const sandbox = await testSandbox(t, 'a,b/fs');
    if (sandbox === undefined) return;
    const refusedView: MountOp = { kind: 'overlay', fallback: 'own', mode: '0755', target: '/opt' };
    const mounts = [refusedView, ...planMounts({ fsDir: sandbox.fsDir, hide: [sandbox.dir] }).filter((op) => op.target !== '/opt')];
    const holder = await sandbox.start({ mounts });
    assert.ok(holder.warnings.some((w) => /no copy-on-write view of \/opt .*; using a plain directory/.test(w)), holder.warnings.join('\n'));
    const seen = await runInMachine(holder, 'hostname; test -s /etc/passwd && echo etc; ls /var; find /tmp /opt -mindepth 1 | wc -l; ls -l /proc/self/fd | grep -cE "(user|mnt|pid|uts):\\["; echo > /etc/x && echo wrote; ls /dev | tr "\\n" " "');
    assert.deepEqual(seen, {
      code: 0,
      signal: null,
      out: 'machine-1\netc\nbackups\ncache\nlib\nlocal\nlock\nlog\nmail\nopt\nrun\nspool\ntmp\n0\n0\nwrote\nfd full null ptmx pts random shm stderr stdin stdout tty urandom zero ',
    });
  });

  it("ends the machine when only its holder is killed (a previous agent's holder, killed by pid)", async (t) => {
    const sandbox = await testSandbox(t);
    if (sandbox === undefined) return;
    const holder = await sandbox.start();
    assert.ok(holder.init !== undefined);
    process.kill(holder.process.pid, 'SIGKILL');
    assert.ok(await waitUntilGone([holder.init], 5_000), "the machine's PID 1 outlived its holder");
  });

  it("writes /etc through a view of the environment's snapshot, never into the snapshot or the host's /etc", async (t) => {
    const sandbox = await testSandbox(t);
    if (sandbox === undefined) return;
    const holder = await sandbox.start();
    const changed = await runInMachine(holder, 'echo "10.9.8.7 changed-here" >> /etc/hosts && mkdir -p /etc/ssl/envboot-test && echo x > /etc/ssl/envboot-test/f && grep -c changed-here /etc/hosts');
    assert.deepEqual(changed, { code: 0, signal: null, out: '1\n' });
    assert.doesNotMatch(await readFile('/etc/hosts', 'utf8'), /changed-here/);
    assert.doesNotMatch(await readFile(path.join(sandbox.dir, 'base', '_etc', 'hosts'), 'utf8'), /changed-here/);
    assert.equal(existsSync(path.join(sandbox.dir, 'base', '_etc', 'ssl', 'envboot-test')), false);
  });

  it('ends every process of the machine when killed, PID 1 included, and passes a command\'s fatal signal on', async (t) => {
    const sandbox = await testSandbox(t);
    if (sandbox === undefined) return;
    const holder = await sandbox.start();
    assert.ok(holder.init !== undefined && isAlive(holder.init));
    assert.deepEqual(await runInMachine(holder, 'kill -KILL $$'), { code: null, signal: 'SIGKILL', out: '' });
    assert.equal((await runInMachine(holder, 'sleep 60 >/dev/null 2>&1 & echo $$')).code, 0);
    await killHolder(holder);
    assert.equal(isAlive(holder.process), false);
    assert.equal(isAlive(holder.init), false);
    assert.throws(() => execInMachine(holder, 'true'), /the machine is stopped/);
  });
});

describe('machine isolation', () => {
  it("keeps the machine's root from undoing the sandbox: no remount, no unmount, nothing hidden revealed, no host file written", async (t) => {
    const sandbox = await testSandbox(t);
    if (sandbox === undefined) return;
    const secret = path.join(sandbox.dir, 'client-key');
    await writeFile(secret, 'the client private key\n', { mode: 0o600 });
    const canary = `/usr/share/envboot-canary-${process.pid}`;
    const holder = await sandbox.start();
    const attempts: Record<string, string> = {
      'remount / read-write': `mount -o remount,bind,rw / && echo x > ${canary}`,
      'remount /usr read-write': `mount -o remount,rw /usr && echo x > ${canary}`,
      'write under /usr': `echo x > ${canary}`,
      'unmount /root': 'umount -l /root && ls -A /root | grep .',
      'unmount /proc': 'umount -l /proc',
      'unmount the hidden directory': `umount -l ${sandbox.dir} || true; cat ${secret}`,
      'bind the hidden directory\'s parent (to see under the cover)': `mkdir -p /tmp/peek && mount --bind ${path.dirname(sandbox.dir)} /tmp/peek && cat /tmp/peek/${path.basename(sandbox.dir)}/client-key`,
      'rebind /usr writable': 'mkdir -p /tmp/u && mount --bind /usr /tmp/u && mount -o remount,bind,rw /tmp/u',
      'write a host kernel setting': 'cat /proc/sys/vm/stat_interval > /proc/sys/vm/stat_interval',
      'unmount /proc/sys': 'umount -l /proc/sys',
      'read the kernel log': 'head -c 1 /dev/kmsg',
    };
    for (const [what, command] of Object.entries(attempts)) {
      const result = await runInMachine(holder, command);
      assert.notEqual(result.code, 0, `${what} succeeded: ${result.out}`);
    }
    assert.equal(existsSync(canary), false, 'a file landed under the host\'s /usr/share');
    assert.equal(await readFile(secret, 'utf8'), 'the client private key\n');
  });

  it("hides the client's directories wherever they are on the host, for good", async (t) => {
    const sandbox = await testSandbox(t);
    if (sandbox === undefined) return;
    // A directory the machine would otherwise see (read-only), as a data directory under /srv or /work would be.
    const visible = '/usr/share/common-licenses';
    if (!existsSync(visible)) {
      // base-files (Essential on Debian) ships it: CI must not pass without this check.
      if (process.env['CI'] === 'true') assert.fail(`${visible} is not on this host`);
      t.skip(`${visible} is not on this host`);
      return;
    }
    const holder = await sandbox.start({ hide: [sandbox.dir, visible] });
    assert.deepEqual(await runInMachine(holder, `ls -A ${visible} | wc -l`), { code: 0, signal: null, out: '0\n' });
    const revealed = await runInMachine(holder, `umount -l ${visible} || umount ${visible}; ls -A ${visible} | grep .`);
    assert.notEqual(revealed.code, 0, `the hidden directory was revealed: ${revealed.out}`);
  });

  it('shows the machine its own processes only, and no process of the host to signal', async (t) => {
    const sandbox = await testSandbox(t);
    if (sandbox === undefined) return;
    const holder = await sandbox.start();
    const seen = await runInMachine(holder, 'for p in /proc/[0-9]*; do tr "\\0" " " < $p/cmdline; echo; done');
    assert.equal(seen.code, 0);
    assert.doesNotMatch(seen.out, /node|--test|setpriv|nsenter|unshare --user --mount --pid/, 'a host process is visible');
    const signal = await runInMachine(holder, `kill -0 ${holder.process.pid} || kill -0 ${process.pid}`);
    assert.notEqual(signal.code, 0, 'the machine could name a host process');
    await runInMachine(holder, 'kill -KILL -1');
    assert.ok(isAlive(holder.process), "kill -1 in the machine reached its holder");
  });

  it("gives the machine's root no user of the host as real root: an id range of its own", { skip: process.getuid?.() !== 0 && 'runs as real root only' }, async (t) => {
    const sandbox = await testSandbox(t);
    if (sandbox === undefined) return;
    const holder = await sandbox.start();
    const seen = await runInMachine(holder, 'id -u; touch /root/mine && sleep 30 & cat /etc/shadow; wait');
    assert.match(seen.out, /^0\n/);
    assert.match(seen.out, /cat: \/etc\/shadow: No such file or directory/, 'the host\'s /etc/shadow was copied into the machine');
    // Seen from the host, the machine's root is an id of the machine's own range, not 0.
    const uid = Number(/^Uid:\s+(\d+)/m.exec(await readFile(`/proc/${holder.init?.pid ?? 0}/status`, 'utf8'))?.[1]);
    assert.ok(uid >= 2 ** 30 && uid < 2 ** 31, `the machine's PID 1 runs as host uid ${uid}`);
  });
});
