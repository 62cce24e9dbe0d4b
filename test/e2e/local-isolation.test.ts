import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chown, readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { requireTool } from '../helpers/require-tool.js';
import { cliHome, cliPath, collect, type CliRun } from '../src/cli/cli-harness.js';
import { leftovers, requireLocalMachines } from './cli-fixtures.js';

/** The uid the unprivileged runs use: `nobody`, which every Debian system has. */
const nobody = 65_534;

/** How each escape is tried from inside a machine; `$KEY` and the like are filled in per run. */
const escapes: Readonly<Record<string, string>> = {
  'remount / read-write and write under /usr': 'mount -o remount,bind,rw / && echo x > "$CANARY"',
  'remount /usr read-write': 'mount -o remount,rw /usr && echo x > "$CANARY"',
  'write under /usr as it is': 'echo x > "$CANARY"',
  'unmount the machine\'s own /root': 'umount -l /root',
  'unmount /proc (to list the host\'s processes)': 'umount -l /proc',
  'unmount /tmp (to reach the client\'s files under it)': 'umount -l /tmp',
  'read the client key': 'cat "$KEY"',
  'read other machines\' records and host keys': 'ls "$MACHINES"',
  'reach the agent socket': 'test -e "$SOCKET"',
  'bind the hidden data directory\'s parent to look under the cover': 'mkdir -p /root/peek && mount --bind "$(dirname "$DATA")" /root/peek && ls /root/peek/"$(basename "$DATA")" | grep .',
  'make a bind of /usr writable': 'mkdir -p /root/u && mount --bind /usr /root/u && mount -o remount,bind,rw /root/u',
  'write a host kernel setting': 'cat /proc/sys/vm/stat_interval > /proc/sys/vm/stat_interval',
  'signal the agent': 'kill -0 "$AGENT"',
  // The bracket keeps the pattern from matching the command lines of this very script.
  'see a host process': 'grep -l "agent/mai[n].js" /proc/[0-9]*/cmdline',
  'open a host disk or the kernel log': 'head -c 1 /dev/kmsg || ls /dev | grep -E "^(sd|vd|nvme|loop|kvm|mem)"',
};

/** One shell script that tries every escape and prints `ESCAPED: what` for each that worked. */
function escapeScript(values: Readonly<Record<string, string>>): string {
  const assignments = Object.entries(values).map(([name, value]) => `${name}='${value}'`);
  const tries = Object.entries(escapes).map(([what, command]) => `if ( ${command} ) >/dev/null 2>&1; then echo "ESCAPED: ${what.replace(/'/g, '')}"; fi`);
  return [...assignments, ...tries, 'echo tried'].join('\n');
}

interface Runner {
  readonly home: string;
  run(args: readonly string[]): Promise<CliRun>;
}

/** The built CLI in a fresh home, run as root or, through setpriv, as `nobody` (the home then belongs to it). */
async function runner(t: TestContext, asUser: boolean): Promise<Runner> {
  const cli = await cliHome('envboot-isolation-');
  await cli.write('environments.yaml', 'environments:\n  iso:\n    provider: local\n    controller-cloud-config: ./controller.yaml\n');
  await cli.write('controller.yaml', `#cloud-config\nruncmd:\n  - mount -o remount,bind,rw / && touch /usr/share/envboot-canary-runcmd-${process.pid} || true\n  - touch /usr/share/envboot-canary-runcmd2-${process.pid} || true\n`);
  if (asUser) await chownTree(cli.home, nobody);
  const run = (args: readonly string[]): Promise<CliRun> => {
    if (!asUser) return cli.run(args);
    const child = spawn('setpriv', [`--reuid=${nobody}`, `--regid=${nobody}`, '--clear-groups', '--', process.execPath, cliPath, ...args], {
      env: { ...process.env, ENVBOOT_HOME: cli.home, HOME: cli.home, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return collect(child, 120_000);
  };
  t.after(async () => {
    if (existsSync(path.join(cli.home, 'data', 'environments', 'iso'))) await run(['destroy', 'iso', '--yes']);
  });
  return { home: cli.home, run };
}

async function chownTree(dir: string, uid: number): Promise<void> {
  await chown(dir, uid, uid);
  for (const entry of await readdir(dir, { recursive: true })) await chown(path.join(dir, entry), uid, uid);
}

describe('local machines are isolated from the host, the client and each other', () => {
  for (const asUser of [false, true]) {
    const who = asUser ? 'an unprivileged user' : 'real root';
    it(`holds against a machine's root when envboot runs as ${who}`, async (t) => {
      if (!(await requireLocalMachines(t)) || requireTool(t, 'setpriv', 'the unprivileged run switches user with it') === undefined) return;
      if (process.getuid?.() !== 0) {
        t.skip('needs real root, to run envboot both as root and as another user');
        return;
      }
      const cli = await runner(t, asUser);
      const boot = await cli.run(['bootstrap', 'iso']);
      assert.equal(boot.code, 0, boot.stderr);
      const added = await cli.run(['add-machine', 'iso']);
      assert.equal(added.code, 0, added.stderr);

      const envDir = path.join(cli.home, 'data', 'environments', 'iso');
      const dataDir = path.join(envDir, 'provider');
      const agent = JSON.parse(await readFile(path.join(dataDir, 'agent.json'), 'utf8')) as { pid: number; socketPath: string };
      const clientKey = await readFile(path.join(envDir, 'client-key'), 'utf8');
      const canary = `/usr/share/envboot-canary-exec-${process.pid}`;
      const script = escapeScript({
        CANARY: canary,
        KEY: path.join(envDir, 'client-key'),
        MACHINES: path.join(dataDir, 'machines'),
        SOCKET: agent.socketPath,
        DATA: dataDir,
        AGENT: String(agent.pid),
      });
      const tried = await cli.run(['exec', 'iso', '0', '--', script]);
      assert.equal(tried.code, 0, tried.stderr);
      assert.equal(tried.stdout, 'tried\n', 'escapes that worked');

      // Everything the machine's root may signal, it kills: the host, the agent and the other machine are not in reach.
      await cli.run(['exec', 'iso', '0', '--', 'kill -KILL -1']);
      assert.ok(existsSync(`/proc/${agent.pid}`), 'kill -1 in a machine killed the agent');
      const other = await cli.run(['exec', 'iso', '1', '--', 'echo alive']);
      assert.deepEqual([other.code, other.stdout], [0, 'alive\n'], other.stderr);

      for (const file of [canary, `/usr/share/envboot-canary-runcmd-${process.pid}`, `/usr/share/envboot-canary-runcmd2-${process.pid}`]) {
        assert.equal(existsSync(file), false, `${file} was written from inside a machine`);
      }
      assert.equal(await readFile(path.join(envDir, 'client-key'), 'utf8'), clientKey);

      const destroyed = await cli.run(['destroy', 'iso', '--yes']);
      assert.equal(destroyed.code, 0, destroyed.stderr);
      assert.deepEqual(await leftovers({ home: cli.home } as Parameters<typeof leftovers>[0]), { processes: [], files: [] });
    });
  }
});
