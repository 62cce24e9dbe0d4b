import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import yaml from 'js-yaml';
import { generateSshKeyPair, machineTags, machineUserData, proofFromUserData } from '../../src/index.js';
import { readClientKey } from '../../src/cli/records/client-key.js';
import { sdkEnvironment, startFakeAws, type FakeAws } from '../providers/ec2/fixtures.js';
import { cliHome, finalResult } from '../src/cli/cli-harness.js';
import { destroyLeftovers, leftovers, requireLocalMachines } from './cli-fixtures.js';
import { orphanOfKilledAddMachine, statusBrief } from './killed-add-machine.js';

const aws: FakeAws = await startFakeAws();
const awsEnv = sdkEnvironment(aws);

interface AdoptJson {
  adopted: { id: string; instanceId: string; provenBy: string; hostKeys: string[] }[];
  refused: { instanceId: string; code: string; message: string }[];
}

describe('envboot adopt on the local provider', () => {
  it('records an instance a killed add-machine left, proven from its user-data; refuses bad ids and keys first; exec reaches it; destroy leaves nothing', async (t) => {
    if (!(await requireLocalMachines(t))) return;
    const cli = await cliHome('envboot-cli-adopt-');
    destroyLeftovers(cli);
    await cli.write('environments.yaml', 'environments:\n  adpt:\n    provider: local\n');
    const boot = await cli.run(['bootstrap', 'adpt']);
    assert.equal(boot.code, 0, boot.stderr);
    const orphan = await orphanOfKilledAddMachine(cli, 'adpt');
    const controller = (await statusBrief(cli, 'adpt')).machines[0]?.instanceId ?? '';

    const shown = await cli.run(['status', 'adpt']);
    assert.ok(shown.stdout.includes(`"envboot adopt adpt ${orphan}" records them as machines once proven`), shown.stdout);

    const badIds = await cli.run(['adopt', 'adpt', orphan, 'local-00000000', controller]);
    assert.equal(badIds.code, 2, badIds.stderr);
    assert.ok(badIds.stderr.includes('local-00000000: is not an instance of environment "adpt"'), badIds.stderr);
    assert.ok(badIds.stderr.includes(`${controller}: is already machine 0 (the controller)`), badIds.stderr);
    assert.ok(badIds.stderr.includes(`unrecorded instances that can be adopted: ${orphan}`), badIds.stderr);

    const missing = path.join(cli.home, 'no-such.pub');
    await cli.write('garbled.pub', '# a comment\nssh-ed25519 AAAA-not-a-key\n');
    const garbled = path.join(cli.home, 'garbled.pub');
    const badKeys = await cli.run(['adopt', 'adpt', orphan, '--host-key', missing, '--host-key', garbled, '--host-key', 'ssh-rsa AAAA']);
    assert.equal(badKeys.code, 2, badKeys.stderr);
    assert.ok(badKeys.stderr.includes(`cannot read ${missing} (ENOENT)`), badKeys.stderr);
    assert.ok(badKeys.stderr.includes(`${garbled}: line 2 is not a public key line`), badKeys.stderr);
    assert.ok(badKeys.stderr.includes('"ssh-rsa AAAA" is not a valid ssh-rsa public key line'), badKeys.stderr);

    const wrongKey = await cli.run(['adopt', 'adpt', orphan, '--host-key', generateSshKeyPair({ comment: 'elsewhere' }).publicKey]);
    assert.equal(wrongKey.code, 1, wrongKey.stderr);
    assert.match(wrongKey.stderr, /was started with host key SHA256:\S+, not the SHA256:\S+ given with --host-key/);
    assert.deepEqual(await statusBrief(cli, 'adpt'), {
      machines: [{ id: '0', instanceId: controller, status: 'running' }],
      unrecordedInstances: [{ instanceId: orphan, status: 'running' }],
    }, 'nothing was written by the refused runs');

    // The right key, as ssh-keyscan prints it: the one in the machine's user-data, which the agent keeps.
    const userData = await readFile(path.join(cli.environmentDir('adpt'), 'provider', 'machines', orphan, 'user-data'));
    const hostKey = proofFromUserData(userData)?.hostKeys[0] ?? assert.fail('the user-data holds a host key');
    await cli.write('scanned.pub', `# 127.0.0.1:22 SSH-2.0-envboot\n127.0.0.1 ${hostKey}\n`);
    const adopted = await cli.run(['adopt', 'adpt', orphan, '--host-key', path.join(cli.home, 'scanned.pub'), '--json']);
    assert.equal(adopted.code, 0, adopted.stderr);
    const result = finalResult(adopted)['result'] as AdoptJson;
    assert.deepEqual(result.adopted.map((m) => [m.id, m.instanceId, m.provenBy, m.hostKeys]), [['1', orphan, 'user-data', [hostKey]]]);
    assert.ok(!adopted.stdout.includes(userData.toString('base64').slice(0, 40)), 'no user-data in the output');

    assert.deepEqual(await statusBrief(cli, 'adpt'), {
      machines: [{ id: '0', instanceId: controller, status: 'running' }, { id: '1', instanceId: orphan, status: 'running' }],
      unrecordedInstances: [],
    });
    const knownHosts = await readFile(path.join(cli.environmentDir('adpt'), 'known_hosts'), 'utf8');
    assert.ok(knownHosts.includes(`envboot-adpt-machine-1 ${hostKey.split(' ').slice(0, 2).join(' ')}`), knownHosts);
    const exec = await cli.run(['exec', 'adpt', '1', '--', 'echo adopted-and-reachable']);
    assert.equal(exec.code, 0, exec.stderr);
    assert.equal(exec.stdout, 'adopted-and-reachable\n');

    const again = await cli.run(['adopt', 'adpt', orphan]);
    assert.equal(again.code, 2, again.stderr);
    assert.ok(again.stderr.includes(`${orphan}: is already machine 1`), again.stderr);

    const destroyed = await cli.run(['destroy', 'adpt', '--yes']);
    assert.equal(destroyed.code, 0, destroyed.stderr);
    assert.deepEqual(await leftovers(cli), { processes: [], files: [] });
  });
});

describe('envboot adopt on the ec2 provider (fake AWS endpoints, real SDK)', () => {
  it('adopts an unrecorded instance proven from its user-data read back through DescribeInstanceAttribute', async (t) => {
    const cli = await cliHome('envboot-cli-adopt-ec2-');
    await cli.write('environments.yaml', yaml.dump({ environments: { cloud: { provider: 'ec2', options: aws.options('envboot-adopt') } } }));
    t.after(() => cli.run(['destroy', 'cloud', '--yes'], { env: awsEnv }));
    const boot = await cli.run(['bootstrap', 'cloud', '--json'], { env: awsEnv });
    assert.equal(boot.code, 0, boot.stderr);
    const uuid = (finalResult(await cli.run(['status', 'cloud', '--json'], { env: awsEnv }))['result'] as { environment: { uuid: string } }).environment.uuid;

    // What a run killed between RunInstances and recording leaves: a tagged instance booted from envboot's user-data.
    const clientKey = (await readClientKey(cli.environmentDir('cloud'))) ?? assert.fail('bootstrap left a client key');
    const environ = aws.environ({ environment: { name: 'cloud', uuid } });
    const made = machineUserData({ clientPublicKey: clientKey.publicKey, machineId: '1', capabilities: environ.capabilities });
    const { instance } = await environ.startInstance({ machineId: '1', constraints: {}, userData: made.userData, tags: machineTags(environ.environment, '1') });
    assert.deepEqual((await statusBrief(cli, 'cloud', awsEnv)).unrecordedInstances.map((i) => i.instanceId), [instance.id]);

    const from = aws.ec2.requests.length;
    const adopted = await cli.run(['adopt', 'cloud', instance.id, '--json'], { env: awsEnv });
    assert.equal(adopted.code, 0, adopted.stderr);
    const result = finalResult(adopted)['result'] as AdoptJson;
    assert.deepEqual(result.adopted.map((m) => [m.id, m.instanceId, m.provenBy, m.hostKeys]), [['1', instance.id, 'user-data', [made.hostKey.publicKey]]]);
    const read = aws.ec2.requests.slice(from).filter((r) => r.action === 'DescribeInstanceAttribute');
    assert.deepEqual(read.map((r) => [r.params['InstanceId'], r.params['Attribute'], r.status]), [[instance.id, 'userData', 200]]);
    assert.ok(!adopted.stdout.includes(made.nonce) && !adopted.stderr.includes(made.nonce), 'the nonce is never shown');

    const exec = await cli.run(['exec', 'cloud', '1', '--', 'echo adopted-on-ec2'], { env: awsEnv });
    assert.equal(exec.stdout, 'adopted-on-ec2\n', exec.stderr);
    const destroyed = await cli.run(['destroy', 'cloud', '--yes'], { env: awsEnv });
    assert.equal(destroyed.code, 0, destroyed.stderr);
    assert.deepEqual(aws.ec2.instances().filter((i) => i.state !== 'terminated' && i.tags['envboot-environment-uuid'] === uuid), []);
  });
});
