import assert from 'node:assert/strict';
import { chmod, mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import yaml from 'js-yaml';
import { generateSshKeyPair } from '../../src/index.js';
import { sdkEnvironment, startFakeAws } from '../providers/ec2/fixtures.js';
import { startNamespacedSshd } from '../providers/manual/namespaced-sshd.js';
import { requireTool } from '../helpers/require-tool.js';
import { cliHome } from '../src/cli/cli-harness.js';
import { checkCopies, checkCopyRefusesOtherKey, checkInventory, checkPortForward, checkSshConfig, type ToolTarget } from './ssh-tools-checks.js';

const aws = await startFakeAws();
const awsEnv = sdkEnvironment(aws);

describe("the OpenSSH tools on machines that look like a cloud's: a non-root default user, a jump host", () => {
  it("forward, copy and configure as the manual host's default user (OpenSSH sshd, root refused)", async (t) => {
    const realScp = requireTool(t, 'scp', 'envboot scp runs the OpenSSH client');
    if (realScp === undefined) return;
    const operator = generateSshKeyPair({ comment: 'operator' });
    const host = await startNamespacedSshd(t, { authorizedKeys: [operator.publicKey], defaultUser: 'debian' });
    if (host?.system === undefined) return;
    const cli = await cliHome('envboot-cli-sshtools-manual-');
    const identity = await cli.write('operator-key', operator.privateKey);
    await chmod(identity, 0o600);
    t.after(() => cli.run(['destroy', 'cloudy', '--yes']));
    const boot = await cli.run(['bootstrap', 'cloudy', '--provider', 'manual', '--identity', identity, '--host-key', host.hostPublicKey, '--host', `debian@${host.host}:${host.port}`]);
    assert.equal(boot.code, 0, boot.stderr + boot.stdout);
    const work = path.join(cli.home, 'work');
    await mkdir(work);
    // Relative to the default user's home, as "scp host:dir" is.
    const target: ToolTarget = { cli, env: 'cloudy', machine: '0', user: 'debian', remoteDir: 'envboot-scp-test' };

    await checkPortForward(t, target);
    await checkCopies(target, work);
    await checkCopyRefusesOtherKey(target, work, realScp);
    await checkSshConfig(target, work);
    await checkInventory(target);
  });

  it('copies, configures and lists through the ec2 jump host, pinned at both hops', async (t) => {
    const realScp = requireTool(t, 'scp', 'envboot scp runs the OpenSSH client');
    if (realScp === undefined) return;
    const cli = await cliHome('envboot-cli-sshtools-ec2-');
    await cli.write('environments.yaml', yaml.dump({ environments: { cloud: { provider: 'ec2', options: aws.options('envboot-sshtools-state') } } }));
    t.after(() => cli.run(['destroy', 'cloud', '--yes'], { env: awsEnv }));
    const boot = await cli.run(['bootstrap', 'cloud'], { env: awsEnv });
    assert.equal(boot.code, 0, boot.stderr + boot.stdout);
    const work = path.join(cli.home, 'work');
    await mkdir(work);
    // The fakes' machines are Ubuntu's default user where the test is root (as CI is), else the test's own user.
    const user = process.getuid?.() === 0 ? 'ubuntu' : (await cli.run(['exec', 'cloud', '0', '--', 'id -un'], { env: awsEnv })).stdout.trim();
    const target: ToolTarget = { cli, env: 'cloud', machine: '0', user, remoteDir: '/tmp/envboot-scp-test-ec2', runEnv: awsEnv };

    const config = await checkSshConfig(target, work);
    assert.match(await readFile(config, 'utf8'), /^ {2}ProxyCommand ssh .*HostKeyAlias=envboot-cloud-jump-host .* -W %h:%p -- jump@127\.0\.0\.1$/m, 'through the jump host, its key pinned');
    assert.match(await readFile(config, 'utf8'), /^ {2}HostName (10\.0|203\.0\.113)\./m, "the machine's (fake, unroutable) address, reached through the jump host");
    await checkCopies(target, work);
    await checkCopyRefusesOtherKey(target, work, realScp);
    await checkInventory(target);
    await checkPortForward(t, target);
    const cleaned = await cli.run(['exec', 'cloud', '0', '--', `rm -rf ${target.remoteDir}`], { env: awsEnv });
    assert.equal(cleaned.code, 0, cleaned.stderr);
  });
});
