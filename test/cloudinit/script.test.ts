import assert from 'node:assert/strict';
import { chmod, mkdir, readFile, stat, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { renderScript, type CloudConfig } from '../../cloudinit/index.js';
import { requireRoot } from '../helpers/require-tool.js';
import { runCommand, type ScriptRun } from '../helpers/run-script.js';
import { tempDir } from '../helpers/temp-dir.js';

const shells = ['dash', 'bash'] as const;

async function runConfig(shell: string, config: CloudConfig, env: NodeJS.ProcessEnv = process.env): Promise<ScriptRun & { root: string }> {
  const root = await tempDir();
  const script = path.join(root, 'configure.sh');
  await writeFile(script, renderScript(config, { rootPrefix: root }));
  return { ...(await runCommand(shell, [script], { env })), root };
}

for (const shell of shells) {
  describe(`renderScript under ${shell}`, () => {
    it("applies the config in cloud-init's order and announces each step", async () => {
      const trace = (what: string): string => `printf '%s\\n' ${what} >> "$ENVBOOT_ROOT/trace"`;
      const run = await runConfig(shell, {
        runcmd: [trace('runcmd'), `cat "$ENVBOOT_ROOT/etc/deferred" >> "$ENVBOOT_ROOT/trace"`],
        final_message: 'all done',
        write_files: [
          { path: '/etc/deferred', content: 'deferred-file\n', defer: true },
          { path: '/etc/early', content: 'early-file\n' },
        ],
        bootcmd: [trace('bootcmd'), `test -e "$ENVBOOT_ROOT/etc/early" || ${trace('no-files-yet')}`],
      });
      assert.equal(run.status, 0, run.stderr);
      assert.equal(await readFile(path.join(run.root, 'trace'), 'utf8'), 'bootcmd\nno-files-yet\nruncmd\ndeferred-file\n');
      const steps = run.stdout.split('\n').filter((line) => line.startsWith('envboot: ['));
      assert.deepEqual(steps, [
        'envboot: [1/7] bootcmd[0]',
        'envboot: [2/7] bootcmd[1]',
        'envboot: [3/7] write_files[1] /etc/early',
        'envboot: [4/7] write_files[0] /etc/deferred',
        'envboot: [5/7] runcmd[0]',
        'envboot: [6/7] runcmd[1]',
        'envboot: [7/7] final_message',
      ]);
      assert.match(run.stdout, /all done\n$/);
    });

    it('stops at the first failing step with its exit status and says which step failed', async () => {
      const run = await runConfig(shell, { runcmd: ['true', 'echo partial; exit 7', 'touch "$ENVBOOT_ROOT/after"'] });
      assert.equal(run.status, 7);
      assert.match(run.stderr, /envboot: step runcmd\[1\] failed with exit status 7\n/);
      assert.match(run.stdout, /partial/);
      await assert.rejects(stat(path.join(run.root, 'after')), { code: 'ENOENT' });
    });

    it('a failing command inside a multi-command step fails the step (set -e)', async () => {
      const run = await runConfig(shell, {
        write_files: [{ path: '/etc/x', content: 'x', owner: 'no-such-user-envboot' }],
        runcmd: ['touch "$ENVBOOT_ROOT/after"'],
      });
      assert.notEqual(run.status, 0);
      assert.match(run.stderr, /envboot: step write_files\[0\] \/etc\/x failed with exit status \d+/);
      await assert.rejects(stat(path.join(run.root, 'after')), { code: 'ENOENT' });
    });

    it('appends stdout and stderr to a private log file on the machine', async () => {
      const run = await runConfig(shell, { runcmd: ['echo to-out', 'echo to-err >&2'] });
      assert.equal(run.status, 0, run.stderr);
      assert.match(run.stdout, /to-out/);
      assert.doesNotMatch(run.stdout, /to-err/);
      assert.match(run.stderr, /to-err/);
      const log = path.join(run.root, 'var/log/envboot/configure.log');
      const text = await readFile(log, 'utf8');
      assert.match(text, /envboot: \[1\/2\] runcmd\[0\]/);
      assert.match(text, /to-out/);
      assert.match(text, /to-err/);
      assert.equal((await stat(log)).mode & 0o777, 0o600);
    });

    it('writes files with modes, owners, encodings, append and parent directories', async () => {
      const run = await runConfig(shell, {
        write_files: [
          { path: '/etc/app/deep/conf', content: 'plain\n', permissions: '0640' },
          { path: '/etc/app/deep/conf', content: 'more\n', append: true },
          { path: '/opt/b64', content: Buffer.from('from base64').toString('base64'), encoding: 'b64' },
          { path: '/opt/gz', content: gzipSync('from gzip').toString('base64'), encoding: 'gzip+base64' },
          { path: '/opt/empty', content: '' },
          { path: '/opt/owned', content: 'x', owner: 'nobody:nogroup', permissions: '0600' },
          { path: '/opt/default-mode', content: 'x' },
        ],
      });
      assert.equal(run.status, 0, run.stderr);
      const at = (p: string): string => path.join(run.root, p);
      assert.equal(await readFile(at('etc/app/deep/conf'), 'utf8'), 'plain\nmore\n');
      assert.equal((await stat(at('etc/app/deep/conf'))).mode & 0o777, 0o644, 'append applies the entry\'s (default) mode, as cloud-init does');
      assert.equal(await readFile(at('opt/b64'), 'utf8'), 'from base64');
      assert.equal(await readFile(at('opt/gz'), 'utf8'), 'from gzip');
      assert.equal((await readFile(at('opt/empty'))).length, 0);
      assert.equal((await stat(at('opt/default-mode'))).mode & 0o777, 0o644);
      if (process.getuid?.() === 0) {
        const owned = await stat(at('opt/owned'));
        assert.equal(owned.mode & 0o777, 0o600);
        assert.equal(owned.uid, 65534);
      }
    });

    it('prints the final message with $UPTIME and $TIMESTAMP substituted and all else literal', async () => {
      const run = await runConfig(shell, { final_message: 'up $UPTIME s; at ${TIMESTAMP}; 100% \\n $HOME `id`' });
      assert.equal(run.status, 0, run.stderr);
      assert.match(run.stdout, /up \d+(\.\d+)? s; at \w{3}, \d+ \w{3} \d{4} [\d:]+ [+-]\d{4}; 100% \\n \$HOME `id`\n$/);
    });

    it('is interrupted cleanly: TERM to its process group ends it with status 143', async () => {
      const root = await tempDir();
      const script = path.join(root, 'configure.sh');
      await writeFile(script, renderScript({ runcmd: ['sleep 30', 'touch "$ENVBOOT_ROOT/after"'] }, { rootPrefix: root }));
      const { spawn } = await import('node:child_process');
      const child = spawn(shell, [script], { stdio: 'ignore', detached: true });
      await new Promise((resolve) => setTimeout(resolve, 300));
      // As a remote session's hang-up does, the signal reaches the running command too.
      process.kill(-(child.pid ?? 0), 'SIGTERM');
      const status = await new Promise<number | null>((resolve) => child.on('exit', (code, signal) => { resolve(code ?? (signal === null ? null : 143)); }));
      assert.equal(status, 143);
      await assert.rejects(stat(path.join(root, 'after')), { code: 'ENOENT' });
    });
  });
}

describe('renderScript', () => {
  it('refuses an invalid config', () => {
    assert.throws(() => renderScript({ write_files: [{ path: 'relative' }] }), /write_files\[0\]\.path: must be an absolute path/);
  });

  it('with sudo, a non-root user on a machine without sudo gets a clear error', async (t) => {
    if (!requireRoot(t, 'runs the script as another user')) return;
    const root = await tempDir();
    const script = path.join(root, 'configure.sh');
    await writeFile(script, renderScript({ runcmd: ['true'] }, { rootPrefix: root, sudo: true }), { mode: 0o644 });
    // A PATH holding only `id`, so that sudo cannot be found whether or not it is installed.
    const bin = path.join(root, 'bin');
    await mkdir(bin, { mode: 0o755 });
    await chmod(root, 0o755);
    await symlink('/usr/bin/id', path.join(bin, 'id'));
    const run = await runCommand('/usr/bin/setpriv', ['--reuid=nobody', '--regid=nogroup', '--clear-groups', '/bin/sh', script], {
      env: { PATH: bin },
    });
    assert.equal(run.status, 1, run.stderr);
    assert.match(run.stderr, /envboot: not root and sudo is not installed/);
  });
});
