import assert from 'node:assert/strict';
import { chmod } from 'node:fs/promises';
import { describe, it } from 'node:test';
import { generateSshKeyPair } from '../../src/index.js';
import { startNamespacedSshd } from '../providers/manual/namespaced-sshd.js';
import { cliHome, collect, finalResult } from '../src/cli/cli-harness.js';

interface Section {
  status: string;
  lines?: string[];
  reason?: string;
  viaSudo?: boolean;
}

describe("envboot logs on a cloud image's host, as its non-root default user (OpenSSH sshd, manual provider)", () => {
  it('reads the root-only logs through one sudo and the rest directly, and follows the configure log through sudo', async (t) => {
    const operator = generateSshKeyPair({ comment: 'operator' });
    const host = await startNamespacedSshd(t, { authorizedKeys: [operator.publicKey], defaultUser: 'debian' });
    if (host?.system === undefined) return;
    const { system } = host;
    const cli = await cliHome('envboot-cli-logs-manual-');
    const identity = await cli.write('operator-key', operator.privateKey);
    await chmod(identity, 0o600);
    await cli.write('app.yaml', '#cloud-config\nruncmd:\n  - echo configured-as-debian\n');
    t.after(() => cli.run(['destroy', 'cloudy', '--yes']));
    const boot = await cli.run([
      'bootstrap', 'cloudy', '--provider', 'manual', '--host', `debian@${host.host}:${host.port}`,
      '--identity', identity, '--host-key', host.hostPublicKey, '--cloud-config', `${cli.home}/app.yaml`,
    ]);
    assert.equal(boot.code, 0, boot.stderr);
    // cloud-init's traces as a cloud image has them: its output log root:adm 0640 (debian is not in adm), no result.json yet.
    // sudo logs each run it allows from now on, so the test can count them.
    const setup = await system.run({
      script: [
        'set -e',
        'mkdir -p /var/lib/cloud',
        "printf 'Cloud-init v. 23.1.1 running modules:final\\n' > /var/log/cloud-init-output.log",
        'chown root:adm /var/log/cloud-init-output.log && chmod 0640 /var/log/cloud-init-output.log',
        "printf 'Defaults logfile=/var/log/sudo-count.log\\nDefaults loglinelen=0\\n' > /etc/sudoers.d/zz-count",
        'stat -c %U:%a /var/log/envboot/configure.log',
      ].join('\n'),
    });
    assert.equal(setup.status, 0, setup.stderr);
    assert.equal(setup.stdout, 'root:600\n', "the configure log is root's alone, as configure leaves it");

    const logs = await cli.run(['logs', 'cloudy', '--json']);
    assert.equal(logs.code, 0, logs.stderr);
    const result = finalResult(logs)['result'] as { ssh: { user: string }; sections: Record<string, Section> };
    assert.equal(result.ssh.user, 'debian');
    const { console: shown, configure, cloudInitOutput, cloudInitResult } = result.sections;
    assert.deepEqual([configure?.status, configure?.viaSudo], ['collected', true]);
    assert.ok(configure?.lines?.includes('configured-as-debian'), JSON.stringify(configure));
    assert.deepEqual(cloudInitOutput, { source: '/var/log/cloud-init-output.log', status: 'collected', lines: ['Cloud-init v. 23.1.1 running modules:final'], totalLines: 1, viaSudo: true });
    assert.equal(cloudInitResult?.status, 'absent');
    assert.match(cloudInitResult.reason ?? '', /cloud-init has not finished/);
    assert.deepEqual([shown?.status, shown?.reason], ['unavailable', 'the manual provider cannot show console output']);
    const sudoLog = await system.run({ script: 'cat /var/log/sudo-count.log' });
    assert.equal(sudoLog.stdout.split('envboot-logs sudo').length - 1, 1, `one sudo for both root-only files: ${sudoLog.stdout}`);

    const follower = cli.start(['logs', 'cloudy', '-f', '-n', '1']);
    const done = collect(follower, 60_000);
    let printed = '';
    follower.stdout?.on('data', (chunk: Buffer | string) => (printed += chunk.toString()));
    await until(() => printed.includes('configured-as-debian'), () => `the follow printed: ${printed}`);
    const appended = await cli.run(['exec', 'cloudy', '0', '--', 'echo appended-by-root | sudo -n tee -a /var/log/envboot/configure.log >/dev/null']);
    assert.equal(appended.code, 0, appended.stderr);
    await until(() => printed.includes('appended-by-root'), () => `the follow printed: ${printed}`);
    // The sudo that runs tail, and what it runs: all of it must end with the follow.
    const running = await system.run({ script: 'for p in $(pgrep -f envboot-follow); do echo "$p"; pgrep -P "$p"; done' });
    const pids = running.stdout.split('\n').filter((line) => line !== '');
    assert.ok(pids.length >= 2, `sudo and tail run while following: ${running.stdout} ${running.stderr}`);
    follower.kill('SIGINT');
    const ended = await done;
    assert.equal(ended.code, 0, ended.stderr);
    assert.match(ended.stdout, /configured-as-debian\nappended-by-root\n$/);
    await until(async () => (await system.run({ script: pids.map((pid) => `kill -0 ${pid} 2>/dev/null && echo ${pid}`).join('; ') + '; true' })).stdout === '', () => `still running of ${pids.join(', ')}`);
  });
});

/** Waits (10 s at most) until `done` holds. */
async function until(done: () => boolean | Promise<boolean>, describe: () => string): Promise<void> {
  for (const started = Date.now(); !(await done()); ) {
    if (Date.now() - started > 10_000) assert.fail(`gave up waiting: ${describe()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
