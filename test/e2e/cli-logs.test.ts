import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { generateSshKeyPair } from '../../src/index.js';
import { cliHome, collect, finalResult, type CliHome } from '../src/cli/cli-harness.js';
import { destroyLeftovers, requireLocalMachines } from './cli-fixtures.js';

interface LogsSection {
  status: 'collected' | 'absent' | 'unavailable';
  source: string;
  lines?: string[];
  totalLines?: number;
  reason?: string;
  file?: string;
}

interface LogsResult {
  machine: { id: string; instanceId: string };
  ssh: { connected: boolean; code?: string; user?: string } | null;
  sections: Record<string, LogsSection>;
  output?: { directory: string; files: string[] };
}

/** A CLI home with one bootstrapped local environment, its controller configured with `controller` (cloud-config). */
async function bootstrapped(name: string, controller: string, extra: readonly string[] = []): Promise<{ cli: CliHome; boot: Awaited<ReturnType<CliHome['run']>> }> {
  const cli = await cliHome(`envboot-cli-logs-${name}-`);
  destroyLeftovers(cli);
  await cli.write('controller.yaml', controller);
  await cli.write('environments.yaml', `environments:\n  ${name}:\n    provider: local\n    controller-cloud-config: ./controller.yaml\n`);
  const boot = await cli.run(['bootstrap', name, ...extra]);
  return { cli, boot };
}

function logsResult(run: Awaited<ReturnType<CliHome['run']>>): LogsResult {
  return finalResult(run)['result'] as LogsResult;
}

// eslint-disable-next-line no-control-regex
const controlCharacter = /[\u0000-\u0008\u000b-\u001f\u007f]/;

describe('envboot logs on the local provider', () => {
  it("shows a configured machine's console and configure log, says cloud-init has not run, and takes selectors, --lines and --json", async (t) => {
    if (!(await requireLocalMachines(t))) return;
    const { cli, boot } = await bootstrapped('logsy', "#cloud-config\nruncmd:\n  - echo configured-marker\n  - printf '\\033[31mred\\033[0m \\033]0;title\\007done\\n'\n");
    assert.equal(boot.code, 0, boot.stderr);

    const all = await cli.run(['logs', 'logsy']);
    assert.equal(all.code, 0, all.stderr);
    assert.match(all.stdout, /^==> machine 0: console of instance local-\S+ <==\n(?!\()/m, 'the console is shown (the local provider has the ability)');
    assert.match(all.stdout, /^==> machine 0: \/var\/log\/envboot\/configure\.log <==\n[^]*^configured-marker$/m);
    assert.match(all.stdout, /^red done$/m, 'escape sequences are gone, the text stays');
    assert.doesNotMatch(all.stdout, controlCharacter);
    for (const file of ['/var/log/cloud-init-output.log', '/run/cloud-init/result.json', '/run/cloud-init/status.json']) {
      const section = new RegExp(`^==> machine 0: ${file.replaceAll('.', '\\.')} <==\\n\\(not present: cloud-init has not run on this machine .*local machines boot without cloud-init\\)$`, 'm');
      assert.match(all.stdout, section);
    }

    const chosen = await cli.run(['logs', 'logsy', '0', '--configure', '--cloud-init', '-n', '1', '--json']);
    assert.equal(chosen.code, 0, chosen.stderr);
    const result = logsResult(chosen);
    assert.deepEqual(Object.keys(result.sections), ['configure', 'cloudInitOutput', 'cloudInitResult', 'cloudInitStatus'], 'no console: it was not chosen');
    const { configure, cloudInitResult } = result.sections;
    assert.deepEqual(configure?.lines, ['red done'], 'the last line only');
    assert.ok((configure.totalLines ?? 0) > 3);
    assert.equal(cloudInitResult?.status, 'absent');
    assert.match(cloudInitResult.reason ?? '', /cloud-init has not run/);
    assert.deepEqual([result.machine.id, result.ssh?.connected, result.ssh?.user], ['0', true, 'root']);

    const consoleOnly = logsResult(await cli.run(['logs', 'logsy', '--console', '--json']));
    assert.deepEqual(Object.keys(consoleOnly.sections), ['console']);
    assert.equal(consoleOnly.ssh, null, 'the console needs no SSH');
    const shown = consoleOnly.sections['console'];
    assert.equal(shown?.status, 'collected', JSON.stringify(shown));
    assert.ok((shown.lines ?? []).some((line) => line.includes(consoleOnly.machine.instanceId)));

    const output = path.join(cli.home, 'unknown-machine-logs');
    for (const args of [['logs', 'logsy', '7'], ['logs', 'logsy', '7', '--output', output], ['logs', 'logsy', 'zero']]) {
      const unknown = await cli.run(args);
      assert.equal(unknown.code, 2, `${args.join(' ')}: ${unknown.stderr}`);
      assert.match(unknown.stderr, /environment "logsy" has (no machine 7; its machines are: 0|machines 0)/);
    }
    assert.equal(existsSync(output), false, 'nothing was created for an unknown machine');
  });

  it('shows the failing command of a machine kept with --keep-broken after its configuration failed', async (t) => {
    if (!(await requireLocalMachines(t))) return;
    const failing = "#cloud-config\nruncmd:\n  - echo step-one-ran\n  - sh -c 'echo about-to-fail-with-7; exit 7'\n";
    const { cli, boot } = await bootstrapped('broken', failing, ['--keep-broken']);
    assert.equal(boot.code, 1, boot.stderr);
    const logs = await cli.run(['logs', 'broken', '0', '--configure']);
    assert.equal(logs.code, 0, logs.stderr);
    // The script's stdout and stderr reach the log through two tees: their lines may interleave either way.
    assert.match(logs.stdout, /^step-one-ran$/m);
    assert.match(logs.stdout, /^about-to-fail-with-7$/m);
    assert.match(logs.stdout, /^envboot: step runcmd\[1\] failed with exit status 7$/m);
  });

  it('writes whole files with --output (folder 0700, files 0600), keeps every secret out of them and of what it prints, and never overwrites', async (t) => {
    if (!(await requireLocalMachines(t))) return;
    const keyBody = ['b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW', 'QyNTUxOQAAACBzZWNyZXQtYm9keS1vZi10aGUta2V5LXRoYXQtbXVzdC1uZXZlci1zaG93'];
    const controller = [
      '#cloud-config',
      'write_files:',
      '  - path: /etc/app/deploy-key',
      '    permissions: "0600"',
      '    content: |',
      '      -----BEGIN OPENSSH PRIVATE KEY-----',
      ...keyBody.map((line) => `      ${line}`),
      '      -----END OPENSSH PRIVATE KEY-----',
      '  - path: /etc/app/user-data.txt',
      '    content: |',
      '      #cloud-config',
      '      chpasswd: {list: "root:hunter2-user-data-body"}',
      'runcmd:',
      '  - echo before-the-secrets',
      '  - [sh, -c, \'echo "the nonce: $(cat /var/lib/envboot/nonce)"\']',
      '  - cat /etc/app/deploy-key',
      '  - echo between-the-secrets',
      '  - cat /etc/app/user-data.txt',
      '',
    ].join('\n');
    const { cli, boot } = await bootstrapped('secretive', controller);
    assert.equal(boot.code, 0, boot.stderr);
    const nonce = (await cli.run(['exec', 'secretive', '0', '--', 'cat /var/lib/envboot/nonce'])).stdout.trim();
    assert.match(nonce, /^[0-9a-f]{32}$/);
    const leaks = (text: string, what: string): void => {
      for (const secret of [...keyBody.map((line) => line.slice(10, 40)), 'BEGIN OPENSSH PRIVATE KEY', 'hunter2-user-data-body', nonce]) {
        assert.ok(!text.includes(secret), `${what} shows ${secret}`);
      }
    };

    const printed = await cli.run(['logs', 'secretive']);
    assert.equal(printed.code, 0, printed.stderr);
    const configureLines = printed.stdout.split('==> ').find((section) => section.startsWith('machine 0: /var/log/envboot/configure.log'))?.split('\n') ?? [];
    const told = configureLines.filter((line) => !line.startsWith('envboot: [') && !line.startsWith('machine 0:') && line !== '');
    assert.deepEqual(told.slice(-5), ['before-the-secrets', 'the nonce: [REDACTED]', '[REDACTED]', 'between-the-secrets', '[REDACTED]']);
    leaks(printed.stdout + printed.stderr, 'the printed logs');
    const json = await cli.run(['logs', 'secretive', '--json']);
    leaks(json.stdout + json.stderr, 'the JSON result');

    const dir = path.join(cli.home, 'ci-logs');
    const written = await cli.run(['logs', 'secretive', '0', '--output', dir, '--json']);
    assert.equal(written.code, 0, written.stderr);
    const folder = path.join(dir, 'secretive-machine-0');
    assert.deepEqual(logsResult(written).output, { directory: folder, files: [path.join(folder, 'console.log'), path.join(folder, 'configure.log')] });
    assert.deepEqual((await readdir(folder)).sort(), ['configure.log', 'console.log'], 'absent sections are not written');
    assert.equal((await stat(dir)).mode & 0o777, 0o700);
    assert.equal((await stat(folder)).mode & 0o777, 0o700);
    for (const file of await readdir(folder)) {
      assert.equal((await stat(path.join(folder, file))).mode & 0o777, 0o600, file);
      leaks(await readFile(path.join(folder, file), 'utf8'), file);
    }
    const configure = await readFile(path.join(folder, 'configure.log'), 'utf8');
    assert.match(configure, /^envboot: \[1\/3\] ssh_keys\n/, 'the whole file, from its first line');
    assert.match(configure, /between-the-secrets\nenvboot: \[7\/7\] runcmd\[4\]\n\[REDACTED\]\n$/);

    await writeFile(path.join(folder, 'configure.log'), 'kept by CI\n', { mode: 0o600 });
    const again = await cli.run(['logs', 'secretive', '0', '--output', dir]);
    assert.equal(again.code, 2, again.stderr);
    assert.match(again.stderr, /secretive-machine-0\/console\.log, .*secretive-machine-0\/configure\.log already exist; envboot logs never overwrites/);
    assert.equal(await readFile(path.join(folder, 'configure.log'), 'utf8'), 'kept by CI\n', 'nothing was overwritten');
    const consoleOnly = await cli.run(['logs', 'secretive', '0', '--cloud-init', '--output', dir]);
    assert.equal(consoleOnly.code, 0, 'sections that were not written before may go in the same folder');
    assert.match(consoleOnly.stdout, /Nothing of machine 0 was written\.\n {2}not written: \/var\/log\/cloud-init-output\.log: not present/);
  });

  it('-f shows a line appended after it started, and ends on Ctrl-C with exit 0, leaving no tail on the machine', async (t) => {
    if (!(await requireLocalMachines(t))) return;
    const { cli, boot } = await bootstrapped('followed', '#cloud-config\nruncmd:\n  - echo configured-before-follow\n');
    assert.equal(boot.code, 0, boot.stderr);
    const follower = cli.start(['logs', 'followed', '0', '-f', '-n', '3']);
    const printed = watchOutput(follower);
    const done = collect(follower, 60_000);
    await printed.includes('configured-before-follow');
    const appended = await cli.run(['exec', 'followed', '0', '--', 'echo appended-after-start >> /var/log/envboot/configure.log']);
    assert.equal(appended.code, 0, appended.stderr);
    await printed.includes('appended-after-start');
    assert.equal(await remoteTails(cli, 'followed'), 1, 'the follow runs tail on the machine');
    follower.kill('SIGINT');
    const ended = await done;
    assert.equal(ended.code, 0, ended.stderr);
    assert.match(ended.stdout, /^==> machine 0: \/var\/log\/envboot\/configure\.log \(last 3 of \d+ lines; following, Ctrl-C stops\) <==\n(?:.*\n){2}configured-before-follow\nappended-after-start\n$/);
    assert.equal(await remoteTails(cli, 'followed'), 0, 'the remote tail ended with the session');
  });

  it('still shows the console when SSH cannot reach the machine, and says why; fails only when nothing could be collected', async (t) => {
    if (!(await requireLocalMachines(t))) return;
    const { cli, boot } = await bootstrapped('unreached', '#cloud-config\nruncmd:\n  - echo configured\n');
    assert.equal(boot.code, 0, boot.stderr);
    // Another client key: the machine refuses it, as it would refuse a client that lost its key.
    const stranger = generateSshKeyPair({ comment: 'stranger' });
    const dir = cli.environmentDir('unreached');
    await writeFile(path.join(dir, 'client-key'), stranger.privateKey, { mode: 0o600 });
    await writeFile(path.join(dir, 'client-key.pub'), `${stranger.publicKey}\n`);

    const logs = await cli.run(['logs', 'unreached']);
    assert.equal(logs.code, 0, `the console was collected: ${logs.stderr}`);
    assert.match(logs.stdout, /^SSH to machine 0 \(instance local-\S+\) failed: .*refused the client key.*\(SSH_AUTH_REFUSED\)$/m);
    assert.match(logs.stdout, /^==> machine 0: console of instance local-\S+ <==\n(?!\()/m);
    assert.match(logs.stdout, /^==> machine 0: \/var\/log\/envboot\/configure\.log <==\n\(not read: SSH to machine 0 failed \(SSH_AUTH_REFUSED\)\)$/m);

    const filesOnly = await cli.run(['logs', 'unreached', '--configure', '--json']);
    assert.equal(filesOnly.code, 1, 'nothing at all was collected');
    const result = finalResult(filesOnly);
    assert.equal((result['error'] as { code: string }).code, 'SSH_AUTH_REFUSED');
    assert.equal(logsResult(filesOnly).sections['configure']?.status, 'unavailable');
  });
});

/** The child's stdout as it grows, and a wait for a text in it (30 s at most, or until the child exits). */
function watchOutput(child: ChildProcess): { includes(text: string): Promise<void> } {
  let seen = '';
  const waiters = new Set<() => void>();
  child.stdout?.on('data', (chunk: Buffer | string) => {
    seen += chunk.toString();
    for (const waiter of waiters) waiter();
  });
  child.once('exit', () => { for (const waiter of waiters) waiter(); });
  return {
    includes: (text) =>
      new Promise((resolve, reject) => {
        const check = (): void => {
          if (seen.includes(text)) finish();
          else if (child.exitCode !== null || child.signalCode !== null) finish(new Error(`exited before printing "${text}"; printed: ${seen}`));
        };
        const timer = setTimeout(() => { finish(new Error(`no "${text}" within 30 s; printed: ${seen}`)); }, 30_000);
        const finish = (error?: Error): void => {
          clearTimeout(timer);
          waiters.delete(check);
          if (error === undefined) resolve();
          else reject(error);
        };
        waiters.add(check);
        check();
      }),
  };
}

/** How many `tail` processes run on machine 0, read from its /proc (one line per process). */
async function remoteTails(cli: CliHome, environment: string): Promise<number> {
  const listing = await cli.run(['exec', environment, '0', '--', 'for p in /proc/[0-9]*; do tr "\\0\\n" "  " < "$p/cmdline" 2>/dev/null; echo; done']);
  assert.equal(listing.code, 0, listing.stderr);
  return listing.stdout.split('\n').filter((line) => line.startsWith('tail ')).length;
}
