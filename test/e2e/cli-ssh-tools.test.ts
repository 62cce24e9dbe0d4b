import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { requireTool } from '../helpers/require-tool.js';
import { cliHome } from '../src/cli/cli-harness.js';
import { destroyLeftovers, requireLocalMachines } from './cli-fixtures.js';
import { checkCopies, checkCopyRefusesOtherKey, checkInventory, checkPortForward, checkSshConfig, runProgram, type ToolTarget } from './ssh-tools-checks.js';

describe('the OpenSSH tools (ssh options, scp, ssh-config, inventory) on the local provider', () => {
  it('passes ssh options through, copies both ways, and prints configs OpenSSH uses as printed, all pinned', async (t) => {
    if (!(await requireLocalMachines(t))) return;
    const realScp = requireTool(t, 'scp', 'envboot scp runs the OpenSSH client');
    if (realScp === undefined || requireTool(t, 'ssh', 'envboot ssh runs the OpenSSH client') === undefined) return;
    const cli = await cliHome('envboot-cli-sshtools-');
    destroyLeftovers(cli);
    const boot = await cli.run(['bootstrap', 'tools']);
    assert.equal(boot.code, 0, boot.stderr + boot.stdout);
    const work = path.join(cli.home, 'work');
    await mkdir(work);
    // Local machines log in as root; the cloud-like default user is the manual provider's test.
    const target: ToolTarget = { cli, env: 'tools', machine: '0', user: 'root', remoteDir: '/tmp/envboot-scp-test' };

    await t.test('-L forwards a port through the machine, -o reaches ssh, and the words after -- go to the remote command, not to envboot', async (t) => {
      await checkPortForward(t, target);
      const verbose = await cli.run(['ssh', 'tools', '0', '-o', 'LogLevel=DEBUG1', '-T', '--', 'printf', "'%s|'", '-h', '--debug', "'two words'"]);
      assert.equal(verbose.code, 0, verbose.stderr);
      assert.equal(verbose.stdout, '-h|--debug|two words|');
      assert.match(verbose.stderr, /debug1: Host 'envboot-tools-machine-0' is known and matches the ED25519 host key/, '-o reached ssh, and the pin is the one checked');
      const noDashDash = await cli.run(['ssh', 'tools', '0', '-T', 'echo', 'options, then the command']);
      assert.deepEqual([noDashDash.code, noDashDash.stdout], [0, 'options, then the command\n'], noDashDash.stderr);
      const status = await cli.run(['ssh', 'tools', '0', '-o', 'ServerAliveInterval=5', '--', 'exit 9']);
      assert.equal(status.code, 9, "ssh's exit status is envboot's");
    });

    await t.test('refuses options that would loosen the pin or replace the route, exit 2, naming the option and why', async () => {
      const cases: [string[], RegExp][] = [
        [['-o', 'StrictHostKeyChecking=no'], /-o StrictHostKeyChecking=no is refused: envboot pins the machine's host key/],
        [['-oUserKnownHostsFile=/dev/null'], /-o UserKnownHostsFile=\/dev\/null is refused/],
        [['-o', 'HostKeyAlias=other', '--', 'true'], /-o HostKeyAlias=other is refused/],
        [['-F', '/dev/null'], /-F \/dev\/null is refused: another config file could replace the pinned known_hosts or the route/],
        [['-J', 'root@127.0.0.1'], /-J root@127\.0\.0\.1 is refused: envboot reaches the machine directly or through the environment's jump host/],
        [['-o', 'ProxyCommand=nc %h %p'], /ProxyCommand=nc %h %p is refused/],
        [['-Z'], /ssh has no option -Z/],
        [['-t', 'top', '--', 'uptime'], /"top" comes before "--"/],
      ];
      for (const [args, says] of cases) {
        const run = await cli.run(['ssh', 'tools', '0', ...args]);
        assert.equal(run.code, 2, `${args.join(' ')}: ${run.stderr}`);
        assert.match(run.stderr, says);
      }
      const misplaced = await cli.run(['ssh', '-L', '1:127.0.0.1:2', 'tools', '0']);
      assert.equal(misplaced.code, 2);
      assert.match(misplaced.stderr, /"-L" comes before the machine: ssh options go after it/);
    });

    await t.test('copies a file and a directory both ways, and a copy fails when OpenSSH meets another host key', async () => {
      await checkCopies(target, work);
      await checkCopyRefusesOtherKey(target, work, realScp);
      const bad: [string[], RegExp][] = [
        [['web:/tmp/x', '.'], /"web:\/tmp\/x" is not a machine path/],
        [['./a', './b'], /both sides are local/],
        [['0:/a', '1:/b'], /both sides are on machines/],
        [['./payload.bin', '5:/tmp/'], /environment "tools" has no machine 5; its machines are: 0/],
      ];
      for (const [args, says] of bad) {
        const run = await cli.run(['scp', 'tools', ...args]);
        assert.equal(run.code, 2, `${args.join(' ')}: ${run.stderr}`);
        assert.match(run.stderr, says);
      }
    });

    await t.test('ssh-config works with the real ssh, and with rsync -e where rsync is installed', async (t) => {
      const config = await checkSshConfig(target, work);
      // Only this part is skipped where rsync is missing (CI installs it: .ci/run lists it).
      const rsync = requireTool(t, 'rsync', 'the ssh-config check with rsync -e');
      if (rsync === undefined) return;
      await mkdir(path.join(work, 'rsync-src', 'nested'), { recursive: true });
      await writeFile(path.join(work, 'rsync-src', 'nested', 'r.txt'), 'through rsync\n');
      const synced = await runProgram(target, rsync, ['-a', '-e', `ssh -F ${config}`, `${path.join(work, 'rsync-src')}/`, 'envboot-tools-0:/tmp/envboot-rsync-test/']);
      assert.equal(synced.code, 0, synced.stderr);
      const there = await cli.run(['exec', 'tools', '0', '--', 'cat /tmp/envboot-rsync-test/nested/r.txt']);
      assert.equal(there.stdout, 'through rsync\n');
    });

    await t.test('inventory: the JSON and Ansible forms reach the machine with the real ssh', async () => {
      await checkInventory(target);
    });

    await t.test("says which package to install when OpenSSH's client is missing, exit 2", async () => {
      const empty = path.join(cli.home, 'empty-bin');
      await mkdir(empty);
      for (const args of [['ssh', 'tools', '0', '--', 'true'], ['scp', 'tools', './x', '0:/tmp/']]) {
        const run = await cli.run(args, { env: { PATH: empty } });
        assert.equal(run.code, 2, run.stderr);
        assert.match(run.stderr, new RegExp(`envboot ${args[0] ?? ''} runs OpenSSH's "${args[0] ?? ''}", and there is no "${args[0] ?? ''}" on PATH: install `));
        assert.match(run.stderr, /openssh-client/);
        assert.doesNotMatch(run.stderr, /ENOENT|\n\s+at /);
      }
    });

    const cleaned = await cli.run(['exec', 'tools', '0', '--', 'rm -rf /tmp/envboot-scp-test /tmp/envboot-rsync-test']);
    assert.equal(cleaned.code, 0, cleaned.stderr);
  });
});

