import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import yaml from 'js-yaml';
import { connectSsh, generateSshKeyPair } from '../../src/index.js';
import { isRunning, processesMentioning } from '../helpers/processes.js';
import { stateObjectName } from '../../src/index.js';
import { FilesystemStorage } from '../../storage/index.js';
import { requireTestImage, type TestImage } from '../providers/qemu/test-image.js';
import { cliHome, collect, finalResult, jsonLines, type CliHome, type CliRun } from '../src/cli/cli-harness.js';
import { destroyLeftovers, leftovers, waitForEvent } from './cli-fixtures.js';

// Real VMs under TCG on a 2-core host: about 45 s from QEMU's start to cloud-init's end,
// 60-90 s when the host is busy. Four boots and one QEMU killed while booting in this file, never more than two VMs at once.
const bootMs = 300_000;

interface MachineJson {
  id: string;
  instanceId: string;
  zone: string | null;
  status?: string;
  addresses: { value: string; port: number; scope: string }[];
  hostKeys?: string[];
}

const deployer = generateSshKeyPair({ comment: 'deployer@cli-qemu' });

/** Files (one secret, one in a new directory owned by a new user), a user with a key and sudo, and commands. */
const controllerConfig = {
  users: [{ name: 'deployer', shell: '/bin/bash', sudo: 'ALL=(ALL) NOPASSWD:ALL', ssh_authorized_keys: [deployer.publicKey] }],
  write_files: [
    { path: '/etc/envboot-e2e/secret.conf', content: 'token = s3cret\n', owner: 'root:root', permissions: '0600' },
    { path: '/opt/app/config.yaml', content: 'listen: 8080\n', owner: 'deployer:deployer', permissions: '0640', defer: true },
  ],
  runcmd: ['echo "runcmd as $(id -un); config owned by $(stat -c %U /opt/app/config.yaml)" > /opt/app/runcmd.out', ['touch', '/opt/app/made by argv']],
};

/** An environments.yaml with one qemu environment on the test image, `options` over the image's config. */
function environmentsYaml(name: string, options: Record<string, unknown>, keys: Record<string, unknown> = {}): string {
  return yaml.dump({ environments: { [name]: { provider: 'qemu', options, ...keys } } });
}

/** Machines' proxies and apt mirror (never reached: the VM has no route out), to see them applied on a real image as its default user. */
const proxyKeys = { 'http-proxy': 'http://proxy.example.com:3128', 'no-proxy': '.internal.example.com', 'apt-mirror': 'http://mirror.example.com/debian' };

async function writeCloudConfig(cli: CliHome, file: string, config: object): Promise<string> {
  return cli.write(file, `#cloud-config\n${yaml.dump(config)}`);
}

/** Where the qemu provider keeps a machine of a CLI environment. */
function machineDir(cli: CliHome, environment: string, instanceId: string): string {
  return path.join(cli.environmentDir(environment), 'provider', 'machines', instanceId);
}

/** True when nothing listens on 127.0.0.1:port any more. */
function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => { socket.destroy(); resolve(false); });
    socket.once('error', () => { resolve(true); });
  });
}

/** The `result` of a `--json` run. */
function resultOf(run: CliRun): unknown {
  return finalResult(run)['result'];
}

async function machines(cli: CliHome, environment: string): Promise<MachineJson[]> {
  const status = await cli.run(['status', environment, '--json']);
  assert.equal(status.code, 0, status.stderr);
  return (resultOf(status) as { machines: MachineJson[] }).machines;
}

/** The key pinned for a machine in the environment's own known_hosts, as "type blob". */
async function pinnedHostKey(cli: CliHome, environment: string, machineId: string): Promise<string> {
  const lines = (await readFile(path.join(cli.environmentDir(environment), 'known_hosts'), 'utf8')).trim().split('\n');
  const line = lines.find((l) => l.startsWith(`envboot-${environment}-machine-${machineId} `));
  assert.ok(line !== undefined, `machine ${machineId} is pinned: ${lines.join(' | ')}`);
  return line.split(' ').slice(1).join(' ');
}

/** Last resort when a test fails before destroy: any QEMU still naming the home is killed by its pid. */
function killLeftoverQemus(t: TestContext, cli: CliHome): void {
  t.after(() => {
    for (const pid of processesMentioning(cli.home)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Gone already.
      }
    }
  });
}

async function openCli(t: TestContext, prefix: string): Promise<{ cli: CliHome; image: TestImage } | undefined> {
  const image = await requireTestImage(t);
  if (image === undefined) return undefined;
  const cli = await cliHome(prefix);
  destroyLeftovers(cli);
  killLeftoverQemus(t, cli);
  return { cli, image };
}

describe('the envboot command on the qemu provider (real VMs, real cloud-init, the image\'s non-root user)', () => {
  it('bootstraps a configured controller, adds machines in both zones, removes one, and destroys everything', async (t) => {
    const opened = await openCli(t, 'envboot-cli-qemu-');
    if (opened === undefined) return;
    const { cli, image } = opened;
    await cli.write('environments.yaml', environmentsYaml('vm', { ...image.config, zones: ['qemu-a', 'qemu-b'] }, proxyKeys));

    // The provider's limit, found before anything starts: no package mirror behind restrict=on.
    const packages = await writeCloudConfig(cli, 'packages.yaml', { package_update: true, packages: ['nginx'] });
    const refusedConfig = await cli.run(['bootstrap', 'vm', '--cloud-config', packages, '--json']);
    assert.equal(refusedConfig.code, 2, refusedConfig.stdout);
    const problems = (finalResult(refusedConfig) as { error: { problems?: { path: string; message: string }[] } }).error.problems ?? [];
    assert.match((finalResult(refusedConfig) as { error: { message: string } }).error.message, /controller cloud-config asks for what the qemu provider cannot do/);
    assert.deepEqual(problems.map((p) => p.path).sort(), ['package_update', 'packages']);
    assert.ok(problems.every((p) => /no package mirror/.test(p.message)), JSON.stringify(problems));
    assert.deepEqual(await leftovers(cli), { processes: [], files: [] }, 'refused before anything was created');

    const controllerFile = await writeCloudConfig(cli, 'controller.yaml', controllerConfig);
    const boot = await cli.run(['bootstrap', 'vm', '--cloud-config', controllerFile, '--json'], { timeoutMs: bootMs });
    assert.equal(boot.code, 0, boot.stderr + boot.stdout.slice(-4000));
    const controller = (resultOf(boot) as { controller: MachineJson }).controller;
    const phases = (resultOf(boot) as { phases: { phase: string; elapsedMs: number }[] }).phases;
    t.diagnostic(`bootstrap phases: ${phases.map((p) => `${p.phase} ${(p.elapsedMs / 1000).toFixed(1)}s`).join(', ')}`);
    const output = jsonLines(boot).filter((e) => e['type'] === 'configure').map((e) => (e['event'] as { line?: string }).line);
    assert.ok(output.some((line) => line?.includes('runcmd') === true), 'the configure steps are streamed');

    const whoami = await cli.run(['exec', 'vm', '0', '--', 'id', '-un']);
    assert.deepEqual([whoami.code, whoami.stdout], [0, 'debian\n'], `the session user is the image's default user: ${whoami.stderr}`);
    const secret = await cli.run(['exec', 'vm', '0', '--', 'sudo -n cat /etc/envboot-e2e/secret.conf']);
    assert.deepEqual([secret.code, secret.stdout], [0, 'token = s3cret\n'], secret.stderr);
    const unreadable = await cli.run(['exec', 'vm', '0', '--', 'cat', '/etc/envboot-e2e/secret.conf']);
    assert.equal(unreadable.code, 1);
    assert.match(unreadable.stderr, /Permission denied/);
    const modes = await cli.run(['exec', 'vm', '0', '--', 'stat', '-c', '%U:%G %a %n', '/etc/envboot-e2e/secret.conf', '/opt/app', '/opt/app/config.yaml', '/opt/app/made by argv']);
    assert.deepEqual(modes.stdout.trim().split('\n'), [
      'root:root 600 /etc/envboot-e2e/secret.conf',
      'root:root 755 /opt/app',
      'deployer:deployer 640 /opt/app/config.yaml',
      'root:root 644 /opt/app/made by argv',
    ], modes.stderr);
    const ran = await cli.run(['exec', 'vm', '0', '--', 'cat /opt/app/runcmd.out; id deployer']);
    assert.equal(ran.code, 0, ran.stderr);
    assert.match(ran.stdout, /^runcmd as root; config owned by deployer\nuid=\d+\(deployer\) gid=\d+\(deployer\)/);
    // The environment's proxies and mirror, written through sudo by the configure step on the real image.
    const proxied = await cli.run(['exec', 'vm', '0', '--', 'grep -h _proxy= /etc/environment; cat /etc/apt/apt.conf.d/90cloud-init-aptproxy; grep -rl mirror.example.com/debian /etc/apt/sources.list /etc/apt/sources.list.d 2>/dev/null | wc -l']);
    assert.equal(proxied.code, 0, proxied.stderr);
    assert.match(proxied.stdout, /^http_proxy="http:\/\/proxy\.example\.com:3128"$/m);
    assert.match(proxied.stdout, /^no_proxy="\.internal\.example\.com,localhost,127\.0\.0\.1,::1,169\.254\.169\.254,fd00:ec2::254"$/m);
    assert.match(proxied.stdout, /Acquire::http::Proxy "http:\/\/proxy\.example\.com:3128";/);
    assert.ok(Number(proxied.stdout.trim().split('\n').at(-1)) >= 1, `apt's sources name the mirror: ${proxied.stdout}`);

    // Its logs, as an operator collects them from a real cloud-init machine, as the image's default user.
    const logs = await cli.run(['logs', 'vm', '0', '--json']);
    assert.equal(logs.code, 0, logs.stderr);
    type Section = { status: string; lines?: string[]; location?: string; reason?: string };
    const sections = (resultOf(logs) as { sections: Record<string, Section> }).sections;
    const linesOf = (name: string): string => {
      const section = sections[name];
      assert.equal(section?.status, 'collected', `${name}: ${JSON.stringify(section)}`);
      return (section.lines ?? []).join('\n');
    };
    assert.match(linesOf('console'), /Cloud-init v\. \S+ finished/, 'the serial console');
    assert.ok(sections['console']?.location?.endsWith('console.log'));
    assert.match(linesOf('configure'), /runcmd/, 'the configure log, root\'s');
    assert.match(linesOf('cloudInitOutput'), /Cloud-init v\. \S+ finished/);
    assert.match(linesOf('cloudInitResult'), /"errors": \[\]/);
    assert.match(linesOf('cloudInitStatus'), /"modules-final"/);
    assert.ok(!logs.stdout.includes('s3cret'), 'a file the configuration wrote is not in its logs');

    // The new user logs in with its own key, the controller's host key pinned as the CLI pins it.
    const pinned = await pinnedHostKey(cli, 'vm', '0');
    assert.deepEqual(controller.hostKeys?.map((k) => k.split(' ').slice(0, 2).join(' ')), [pinned]);
    const [address] = controller.addresses;
    assert.ok(address !== undefined && address.value === '127.0.0.1' && address.scope === 'public', JSON.stringify(controller.addresses));
    const asDeployer = await connectSsh({ host: address.value, port: address.port, user: 'deployer', privateKey: deployer.privateKey, hostKeys: [pinned] });
    try {
      const facts = await asDeployer.exec({ command: 'id -un; sudo -n id -un; cat /opt/app/config.yaml; hostname' });
      assert.deepEqual(facts.stdout.toString().split('\n'), ['deployer', 'root', 'listen: 8080', 'vm-0', '']);
    } finally {
      asDeployer.close();
    }

    // Never more than two VMs: one machine is added, checked and removed before the next.
    const added = await cli.run(['add-machine', 'vm', '-n', '1', '--json'], { timeoutMs: bootMs });
    assert.equal(added.code, 0, added.stderr + added.stdout.slice(-4000));
    const [first] = (resultOf(added) as { machines: MachineJson[] }).machines;
    assert.ok(first !== undefined && first.zone !== null);
    assert.notEqual(first.zone, controller.zone, 'the least populated zone: not the controller\'s');
    const running = await machines(cli, 'vm');
    assert.deepEqual(running.map((m) => [m.id, m.status]), [['0', 'running'], [first.id, 'running']]);
    assert.deepEqual(running.map((m) => m.zone).sort(), ['qemu-a', 'qemu-b'], 'two machines in the two zones');
    const onFirst = await cli.run(['exec', 'vm', first.id, '--', 'id -un; hostname']);
    assert.deepEqual([onFirst.code, onFirst.stdout], [0, `debian\nvm-${first.id}\n`], onFirst.stderr);

    const firstDir = machineDir(cli, 'vm', first.instanceId);
    const firstQemu = processesMentioning(firstDir);
    assert.equal(firstQemu.length, 1, 'one QEMU runs the added machine');
    const firstPort = first.addresses[0]?.port ?? 0;
    const removed = await cli.run(['remove-machine', 'vm', first.id]);
    assert.equal(removed.code, 0, removed.stderr);
    assert.match(removed.stdout, new RegExp(`Removed machine ${first.id} \\(instance ${first.instanceId}\\)`));
    assert.deepEqual(firstQemu.filter(isRunning), [], 'its QEMU is gone');
    assert.equal(existsSync(firstDir), false, 'its overlay, seed, console log and record are gone');
    assert.ok(await refused(firstPort), 'nothing listens on its forward');
    assert.deepEqual((await machines(cli, 'vm')).map((m) => m.id), ['0']);

    // The second: into the controller's zone by --zone; its configure fails, and it is removed.
    const failing = await writeCloudConfig(cli, 'failing.yaml', { runcmd: ['echo "starting the app"', 'echo "app: cannot bind :8080" >&2; exit 3'] });
    const second = await cli.run(['add-machine', 'vm', '-n', '1', '--zone', controller.zone ?? '', '--cloud-config', failing, '--json'], { timeoutMs: bootMs });
    assert.equal(second.code, 1, second.stderr);
    const events = jsonLines(second);
    const started = events.find((e) => e['type'] === 'instance.started') as { machineId: string; instanceId: string; zone: string } | undefined;
    assert.ok(started !== undefined);
    assert.equal(started.zone, controller.zone, '--zone places it');
    const [failure] = (resultOf(second) as { failures: { machineId: string; code: string; message: string }[] }).failures;
    assert.equal(failure?.code, 'REMOTE_COMMAND_FAILED');
    assert.match(failure.message, /^configuring debian@127\.0\.0\.1:\d+ failed: the script exited with status 3; last \d+ lines of output:\n[\s\S]*starting the app\n[\s\S]*app: cannot bind :8080/);
    assert.ok(events.some((e) => e['type'] === 'cleanup.removed' && e['resource'] === `instance ${started.instanceId}`), 'the failed machine was stopped');
    assert.equal(existsSync(machineDir(cli, 'vm', started.instanceId)), false);
    assert.deepEqual(processesMentioning(machineDir(cli, 'vm', started.instanceId)), []);
    assert.deepEqual((await machines(cli, 'vm')).map((m) => m.id), ['0'], 'and forgotten');

    const destroyed = await cli.run(['destroy', 'vm', '--yes', '--json'], { timeoutMs: 60_000 });
    assert.equal(destroyed.code, 0, destroyed.stderr);
    const gone = resultOf(destroyed) as { destroyed: boolean; stoppedInstances: string[] };
    assert.deepEqual([gone.destroyed, gone.stoppedInstances], [true, [controller.instanceId]]);
    assert.deepEqual(await leftovers(cli), { processes: [], files: [] }, 'no QEMU, no file');
    assert.ok(await refused(address.port), 'nothing listens on the controller\'s forward');
  });

  it('reports a machine that boots but never lets its SSH user in, stops it at --timeout, and leaves nothing', async (t) => {
    const opened = await openCli(t, 'envboot-cli-qemu-fail-');
    if (opened === undefined) return;
    const { cli, image } = opened;
    // The easiest real mistake: default-user left out on a Debian image, so envboot logs in as "ubuntu".
    const options: Record<string, unknown> = { ...image.config };
    delete options['default-user'];
    await cli.write('environments.yaml', environmentsYaml('wrong-user', options));
    const run = await cli.run(['bootstrap', 'wrong-user', '--timeout', '90s', '--json'], { timeoutMs: bootMs });
    assert.equal(run.code, 1, run.stderr);
    const { error } = finalResult(run) as { error: { code: string; message: string } };
    assert.equal(error.code, 'TIMEOUT');
    assert.match(error.message, /^bootstrap of "wrong-user" did not finish within 1m30s \(--timeout\)/);

    const events = jsonLines(run);
    const started = events.find((e) => e['type'] === 'instance.started') as { instanceId: string } | undefined;
    assert.ok(started !== undefined, 'the machine started');
    const failures = events.filter((e) => e['type'] === 'wait-ssh').map((e) => e['event'] as { type: string; address?: string; reason?: string; message?: string });
    const last = failures.filter((e) => e.type === 'wait-ssh.attempt-failed').at(-1);
    assert.equal(last?.reason, 'auth-refused', `the machine booted and refused the user: ${JSON.stringify(failures.slice(-3))}`);
    assert.match(last.message ?? '', /^ubuntu@127\.0\.0\.1:\d+ refused the client key/);
    assert.ok(events.some((e) => e['type'] === 'cleanup.removed' && e['resource'] === `instance ${started.instanceId}`), 'stopped: --keep-broken was not given');
    const port = Number(last.address?.split(':').at(-1));
    assert.ok(await refused(port), 'nothing listens on its forward');
    assert.deepEqual(await leftovers(cli), { processes: [], files: [] });
    assert.deepEqual(cli.environmentDirs(), [], 'nothing is recorded for an environment that does not exist');

    assert.match(error.message, /127\.0\.0\.1:\d+: auth-refused: ubuntu@127\.0\.0\.1:\d+ refused the client key for ubuntu; check that ubuntu is the image's default user/, 'the message names the cause');
  });

  it('after a SIGKILL while its VM boots and with provider-state then corrupted, destroy at once stops the VM by its tag and leaves nothing', async (t) => {
    const opened = await openCli(t, 'envboot-cli-qemu-kill-');
    if (opened === undefined) return;
    const { cli, image } = opened;
    await cli.write('environments.yaml', environmentsYaml('killed', image.config));
    const child = cli.start(['bootstrap', 'killed', '--json']);
    const done = collect(child);
    const started = await waitForEvent(child, (e) => e['type'] === 'instance.started') as { instanceId: string };
    child.kill('SIGKILL');
    assert.equal((await done).signal, 'SIGKILL');
    const dir = machineDir(cli, 'killed', started.instanceId);
    assert.ok(processesMentioning(dir).length > 0, 'the VM outlived the killed CLI');

    const status = resultOf(await cli.run(['status', 'killed', '--json'])) as { providerState: { location: string } };
    const storageRoot = status.providerState.location.replace(/^filesystem storage /, '');
    await new FilesystemStorage({ root: storageRoot }).put({ key: stateObjectName, body: 'state-instances: [\nmachines: {\n' });

    // At once: the killed bootstrap's lock is taken over, not waited out.
    const destroyed = await cli.run(['destroy', 'killed', '--yes', '--json'], { timeoutMs: 60_000 });
    assert.equal(destroyed.code, 0, destroyed.stderr);
    assert.match(destroyed.stderr + destroyed.stdout, /is corrupt: it is not valid YAML .*destroying every instance tagged as environment \S+ instead, and removing the object last/);
    assert.deepEqual((resultOf(destroyed) as { stoppedInstances: string[] }).stoppedInstances, [started.instanceId]);
    assert.deepEqual(processesMentioning(dir), [], 'its QEMU ended');
    assert.equal(existsSync(storageRoot), false, 'provider-state, the damaged object too, is gone');
    assert.deepEqual(await leftovers(cli), { processes: [], files: [] });
  });
});
