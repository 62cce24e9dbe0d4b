import assert from 'node:assert/strict';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { planMounts, type MountOp } from '../../../../providers/local/agent/sandbox-plan.js';
import { execInMachine, killHolder, startHolder, type Holder } from '../../../../providers/local/agent/sandbox.js';
import { setupScript } from '../../../../providers/local/agent/setup-script.js';
import { isAlive } from '../../../../src/util/process-identity.js';
import { removeTree } from '../../../../providers/local/remove-tree.js';
import { requireTool } from '../../../helpers/require-tool.js';

/** A scratch directory with the setup script in it; removed (after the sandboxes) when the test ends. */
async function scratch(t: TestContext, script = setupScript, fsPath = 'fs'): Promise<{ script: string; fsDir: string; holders: Holder[] } | undefined> {
  if (requireTool(t, 'unshare') === undefined || requireTool(t, 'nsenter') === undefined) return undefined;
  const dir = await mkdtemp(path.join(tmpdir(), 'envboot-local-sandbox-'));
  const holders: Holder[] = [];
  t.after(async () => {
    await Promise.all(holders.map((holder) => killHolder(holder)));
    await removeTree(dir);
  });
  await writeFile(path.join(dir, 'setup.sh'), script);
  await mkdir(path.join(dir, fsPath), { recursive: true });
  return { script: path.join(dir, 'setup.sh'), fsDir: path.join(dir, fsPath), holders };
}

function run(holder: Holder, command: string): Promise<{ code: number | null; out: string }> {
  const child = execInMachine(holder, command, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (out += chunk.toString()));
  return new Promise((resolve) => child.on('close', (code) => { resolve({ code, out }); }));
}

describe('machine sandboxes', () => {
  it('reports a setup that fails with its exit status and what it printed', async (t) => {
    const dir = await scratch(t, 'echo "envboot-local: cannot mount the moon" >&2\nexit 3\n');
    if (dir === undefined) return;
    await assert.rejects(startHolder({ setupScript: dir.script, fsDir: dir.fsDir, hostname: 'm', hide: '', mounts: [] }), {
      name: 'SandboxError',
      message: /setting up the machine's sandbox failed \(exit status 3\): envboot-local: cannot mount the moon/,
    });
  });

  it('makes an unprivileged-style machine (a copy of /etc, a /var skeleton) and falls back to a plain directory where overlayfs refuses', async (t) => {
    // overlayfs options cannot carry a comma: the mount fails, as where overlayfs is missing.
    const dir = await scratch(t, setupScript, 'a,b/fs');
    if (dir === undefined) return;
    const refusedView: MountOp = { kind: 'overlay', fallback: 'own', mode: '0755', target: '/opt' };
    const mounts = [refusedView, ...planMounts({ fsDir: dir.fsDir, privileged: false }).filter((op) => op.target !== '/opt')];
    const holder = await startHolder({ setupScript: dir.script, fsDir: dir.fsDir, hostname: 'machine-1', hide: path.dirname(dir.fsDir), mounts });
    dir.holders.push(holder);
    assert.ok(holder.warnings.some((w) => /no copy-on-write view of \/opt .*; using a plain directory/.test(w)), holder.warnings.join('\n'));
    const seen = await run(holder, 'hostname; test -s /etc/passwd && echo etc; ls /var; find /tmp /opt -mindepth 1 | wc -l; ls -l /proc/self/fd | grep -cE "(user|mnt|pid|uts):\\["; echo > /etc/x && echo wrote');
    assert.deepEqual(seen, { code: 0, out: 'machine-1\netc\nbackups\ncache\nlib\nlocal\nlock\nlog\nmail\nopt\nrun\nspool\ntmp\n0\n0\nwrote\n' });
  });

  it('ends every process of the machine when killed, PID 1 included', async (t) => {
    const dir = await scratch(t);
    if (dir === undefined) return;
    const holder = await startHolder({ setupScript: dir.script, fsDir: dir.fsDir, hostname: 'm', hide: '', mounts: planMounts({ fsDir: dir.fsDir, privileged: process.getuid?.() === 0 }) });
    dir.holders.push(holder);
    assert.ok(holder.init !== undefined && isAlive(holder.init));
    assert.equal((await run(holder, 'sleep 60 >/dev/null 2>&1 & echo $$')).code, 0);
    await killHolder(holder);
    assert.equal(isAlive(holder.process), false);
    assert.equal(isAlive(holder.init), false);
    assert.throws(() => execInMachine(holder, 'true'), /the machine is stopped/);
  });
});
