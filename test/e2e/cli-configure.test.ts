import assert from 'node:assert/strict';
import { chmod } from 'node:fs/promises';
import { setTimeout as delay } from 'node:timers/promises';
import { describe, it, type TestContext } from 'node:test';
import { generateSshKeyPair } from '../../src/index.js';
import { startNamespacedSshd } from '../providers/manual/namespaced-sshd.js';
import { cliHome, collect, finalResult, jsonLines, type CliHome, type CliRun } from '../src/cli/cli-harness.js';
import { destroyLeftovers, requireLocalMachines, waitForEvent } from './cli-fixtures.js';

const environments = [
  'environments:',
  '  fleet:',
  '    provider: local',
  '    controller-cloud-config: ./controller.yaml',
  '  plain:',
  '    provider: local',
  '',
].join('\n');
const controllerConfig = [
  '#cloud-config',
  'write_files:',
  '  - path: /etc/envboot-test/controller.conf',
  '    content: "controller v1\\n"',
  'runcmd:',
  '  - echo controller-run >> /var/tmp/controller-runs',
  '',
].join('\n');
// The app's first cloud-config: its command fails with status 3, after saying so.
const brokenApp = [
  '#cloud-config',
  'write_files:',
  '  - path: /etc/envboot-test/app.conf',
  '    content: "broken\\n"',
  'runcmd:',
  '  - echo attempt >> /var/tmp/app-runs',
  '  - echo app is about to fail',
  '  - exit 3',
  '',
].join('\n');
const fixedApp = [
  '#cloud-config',
  'write_files:',
  '  - path: /etc/envboot-test/app.conf',
  '    content: "fixed\\n"',
  'runcmd:',
  '  - echo run >> /var/tmp/app-runs',
  '',
].join('\n');

interface ConfigureJson {
  environment: string;
  machines: { id: string; ok: boolean; elapsedMs: number; error: { code: string; message: string } | null; failureCleared: boolean }[];
}

interface StatusMachine {
  id: string;
  failure: { phase: string; code: string } | null;
}

async function fleetHome(t: TestContext, prefix: string): Promise<CliHome | undefined> {
  if (!(await requireLocalMachines(t))) return undefined;
  const cli = await cliHome(prefix);
  destroyLeftovers(cli);
  await cli.write('environments.yaml', environments);
  await cli.write('controller.yaml', controllerConfig);
  return cli;
}

function ok(run: CliRun, what: string): void {
  assert.equal(run.code, 0, `${what}: ${run.stderr}${run.stdout}`);
}

/** What a command on a machine prints (it must succeed). */
async function onMachine(cli: CliHome, env: string, machine: string, command: string): Promise<string> {
  const run = await cli.run(['exec', env, machine, '--', command]);
  ok(run, `exec ${command}`);
  return run.stdout;
}

async function statusMachines(cli: CliHome, env: string): Promise<StatusMachine[]> {
  const run = await cli.run(['status', env, '--json']);
  ok(run, 'status');
  return (finalResult(run)['result'] as { machines: StatusMachine[] }).machines;
}

function configureResult(run: CliRun): ConfigureJson {
  return finalResult(run)['result'] as ConfigureJson;
}

/** Waits until no process on the machine runs `pattern` (a stopped script's children go within a second or two). */
async function noProcess(cli: CliHome, env: string, machine: string, pattern: string): Promise<void> {
  let last = '';
  for (let attempt = 0; attempt < 50; attempt += 1) {
    last = await onMachine(cli, env, machine, `ps -e -o args= | grep -cx '${pattern}' || true`);
    if (last.trim() === '0') return;
    await delay(100);
  }
  assert.fail(`"${pattern}" still runs on machine ${machine}: ${last}`);
}

describe('envboot configure on the local provider', () => {
  it('puts a machine kept broken right with a fixed cloud-config, again and again, and re-applies the controller config', async (t) => {
    const cli = await fleetHome(t, 'envboot-cli-configure-');
    if (cli === undefined) return;
    ok(await cli.run(['bootstrap', 'fleet']), 'bootstrap');
    const app = await cli.write('app.yaml', brokenApp);
    const added = await cli.run(['add-machine', 'fleet', '--keep-broken', '--cloud-config', app]);
    assert.equal(added.code, 1, added.stderr);
    assert.deepEqual((await statusMachines(cli, 'fleet')).map((m) => [m.id, m.failure?.phase ?? null]), [['0', null], ['1', 'configure']]);

    await cli.write('app.yaml', fixedApp);
    const fixed = await cli.run(['configure', 'fleet', '1', '--cloud-config', app]);
    ok(fixed, 'configure with the fixed file');
    assert.match(fixed.stdout, /^Machine 1: configured in \S+ \(its recorded failure is cleared\)$/m);
    assert.match(fixed.stdout, /^Next: envboot status fleet \| envboot exec fleet 1 -- …$/m);
    // The output streams as bootstrap's configure step, each line saying which machine it is from.
    assert.match(fixed.stderr, /machine 1: configuring the machine \.\.\./);
    assert.match(fixed.stderr, /machine 1 \| envboot: \[1\/2\] write_files\[0\] \/etc\/envboot-test\/app\.conf/);
    assert.match(fixed.stderr, /machine 1: configuring the machine: done/);
    assert.equal(await onMachine(cli, 'fleet', '1', 'cat /etc/envboot-test/app.conf /var/tmp/app-runs'), 'fixed\nattempt\nrun\n');
    assert.deepEqual((await statusMachines(cli, 'fleet')).map((m) => [m.id, m.failure]), [['0', null], ['1', null]], 'no longer reported failed');
    const text = await cli.run(['status', 'fleet']);
    ok(text, 'status');
    assert.doesNotMatch(text.stdout, /failed|^Machine 1/m);

    // Again: the file is written over with the same content, runcmd runs once more.
    const again = await cli.run(['configure', 'fleet', '1', '--cloud-config', app, '--json']);
    ok(again, 'configure again');
    assert.deepEqual(configureResult(again).machines.map((m) => [m.id, m.ok, m.error, m.failureCleared]), [['1', true, null, false]]);
    assert.equal(await onMachine(cli, 'fleet', '1', 'cat /etc/envboot-test/app.conf /var/tmp/app-runs'), 'fixed\nattempt\nrun\nrun\n');

    // No machine named: machine 0, with the environment's controller-cloud-config, read anew.
    await cli.write('controller.yaml', controllerConfig.replace('controller v1', 'controller v2'));
    const controller = await cli.run(['configure', 'fleet', '--json']);
    ok(controller, 'configure the controller');
    const events = jsonLines(controller);
    assert.ok(events.some((e) => e['type'] === 'phase.started' && e['phase'] === 'configure' && e['machineId'] === '0'));
    assert.ok(events.some((e) => e['type'] === 'phase.finished' && e['phase'] === 'configure' && e['machineId'] === '0'));
    assert.ok(events.some((e) => e['type'] === 'configure' && e['machineId'] === '0' && (e['event'] as { line?: string }).line === 'envboot: [2/2] runcmd[0]'));
    const result = configureResult(controller);
    assert.equal(result.environment, 'fleet');
    assert.deepEqual(result.machines.map((m) => [m.id, m.ok]), [['0', true]]);
    assert.ok(Number.isInteger(result.machines[0]?.elapsedMs));
    assert.equal(await onMachine(cli, 'fleet', '0', 'cat /etc/envboot-test/controller.conf /var/tmp/controller-runs'), 'controller v2\ncontroller-run\ncontroller-run\n');
    assert.equal(await onMachine(cli, 'fleet', '1', 'test -e /etc/envboot-test/controller.conf || echo absent'), 'absent\n', 'machine 1 was left alone');
  });

  it('exits 1 with the output tail when the config fails, configuring the other machines all the same', async (t) => {
    const cli = await fleetHome(t, 'envboot-cli-configure-fail-');
    if (cli === undefined) return;
    ok(await cli.run(['bootstrap', 'fleet']), 'bootstrap');
    ok(await cli.run(['add-machine', 'fleet', '--cloud-config', await cli.write('fixed.yaml', fixedApp)]), 'add-machine');

    const broken = await cli.write('broken.yaml', brokenApp);
    const failing = await cli.run(['configure', 'fleet', '1', '--cloud-config', broken]);
    assert.equal(failing.code, 1, failing.stderr);
    assert.match(failing.stdout, /^Machine 1: failed \(REMOTE_COMMAND_FAILED\): configuring \S+ failed: the script exited with status 3$/m);
    assert.match(failing.stderr, /Error: configuring \S+ failed: the script exited with status 3; last \d+ lines of output:\n(.*\n)*\s+app is about to fail\n/);
    assert.match(failing.stdout, /Next: "envboot logs fleet 1 --configure" shows the whole output; fix the cloud-config and run "envboot configure fleet 1 --cloud-config \S+broken\.yaml" again/);
    assert.deepEqual((await statusMachines(cli, 'fleet')).map((m) => m.failure), [null, null], 'a machine that ran before is not marked broken');

    // Fails on machine 1 only (it has the app's file): machine 0 is configured, the result lists both.
    const only = await cli.write('only-without-app.yaml', '#cloud-config\nruncmd:\n  - echo checked >> /var/tmp/checked\n  - test ! -e /etc/envboot-test/app.conf\n');
    const mixed = await cli.run(['configure', 'fleet', '0', '1', '--cloud-config', only, '--json']);
    assert.equal(mixed.code, 1, mixed.stderr);
    const result = configureResult(mixed);
    assert.deepEqual(result.machines.map((m) => [m.id, m.ok, m.error?.code ?? null]), [['0', true, null], ['1', false, 'REMOTE_COMMAND_FAILED']]);
    assert.match(result.machines[1]?.error?.message ?? '', /exited with status 1/);
    const final = finalResult(mixed);
    assert.deepEqual([final['ok'], final['exitCode']], [false, 1]);
    assert.equal(await onMachine(cli, 'fleet', '0', 'cat /var/tmp/checked'), 'checked\n');

    // In plain output, both machines' lines interleave, each saying whose it is.
    const plain = await cli.run(['configure', 'fleet', '0', '1', '--cloud-config', only]);
    assert.equal(plain.code, 1, plain.stderr);
    assert.match(plain.stderr, /machine 0 \| envboot: \[1\/2\] runcmd\[0\]/);
    assert.match(plain.stderr, /machine 1 \| envboot: \[1\/2\] runcmd\[0\]/);
    assert.match(plain.stdout, /^Machine 0: configured in /m);
    assert.match(plain.stdout, /^Machine 1: failed \(REMOTE_COMMAND_FAILED\): /m);
  });

  it('stops the script at --timeout (exit 1, TIMEOUT naming the flag) and on Ctrl-C (exit 130)', async (t) => {
    const cli = await fleetHome(t, 'envboot-cli-configure-stop-');
    if (cli === undefined) return;
    ok(await cli.run(['bootstrap', 'fleet']), 'bootstrap');
    const slow = await cli.write('slow.yaml', '#cloud-config\nruncmd:\n  - echo sleeping\n  - sleep 47\n  - touch /var/tmp/slept\n');

    const timed = await cli.run(['configure', 'fleet', '0', '--cloud-config', slow, '--timeout', '2s', '--json']);
    assert.equal(timed.code, 1, timed.stderr);
    const error = finalResult(timed)['error'] as { code: string; message: string };
    assert.equal(error.code, 'TIMEOUT');
    assert.match(error.message, /^configuring machine 0 did not finish within 2s \(--timeout\); the script was stopped; last \d+ lines of output:\n(.*\n)*\s+sleeping/);
    await noProcess(cli, 'fleet', '0', 'sleep 47');

    const child = cli.start(['configure', 'fleet', '0', '--cloud-config', slow, '--json']);
    const done = collect(child);
    await waitForEvent(child, (e) => e['type'] === 'configure' && (e['event'] as { line?: string }).line === 'sleeping');
    child.kill('SIGINT');
    const interrupted = await done;
    assert.equal(interrupted.code, 130, interrupted.stderr);
    assert.equal((finalResult(interrupted)['error'] as { code: string }).code, 'CANCELLED');
    await noProcess(cli, 'fleet', '0', 'sleep 47');
    assert.equal(await onMachine(cli, 'fleet', '0', 'test -e /var/tmp/slept || echo never'), 'never\n');
  });

  it('refuses bad input with exit 2, naming the problem, and runs nothing on any machine', async (t) => {
    const cli = await fleetHome(t, 'envboot-cli-configure-bad-');
    if (cli === undefined) return;
    ok(await cli.run(['bootstrap', 'fleet']), 'bootstrap');
    ok(await cli.run(['add-machine', 'fleet']), 'add-machine');
    ok(await cli.run(['bootstrap', 'plain']), 'bootstrap plain');
    // What each refused run would have left on a machine it touched.
    const marker = await cli.write('marker.yaml', '#cloud-config\nwrite_files:\n  - path: /var/tmp/marker\n    content: touched\nruncmd:\n  - touch /var/tmp/marker-run\n');
    await cli.write('not-yaml.yaml', 'runcmd: [unclosed\n');
    await cli.write('unknown-key.yaml', '#cloud-config\nruncmd: [touch /var/tmp/marker-run]\nbogus_key: 1\n');
    await cli.write('packages.yaml', '#cloud-config\npackages: [curl]\nruncmd: [touch /var/tmp/marker-run]\n');
    const cases: [string[], RegExp][] = [
      [['configure', 'plain'], /environment "plain" has no controller-cloud-config in \S+environments\.yaml.*give the cloud-config to apply with --cloud-config FILE/],
      [['configure', 'fleet', '1'], /machine 1 has no cloud-config envboot knows of .*--cloud-config FILE/],
      [['configure', 'fleet', '0', '1'], /machine 1 has no cloud-config envboot knows of/],
      [['configure', 'fleet', '0', '9', '--cloud-config', marker], /environment "fleet" has no machine 9; its machines are: 0, 1/],
      [['configure', 'fleet', '1', '1', '--cloud-config', marker], /machine 1 given more than once/],
      [['configure', 'fleet', '0', 'one', '--cloud-config', marker], /"one" is not a machine id/],
      [['configure', 'fleet', '0', '--cloud-config', `${cli.home}/missing.yaml`], /no such file: \S+missing\.yaml/],
      [['configure', 'fleet', '0', '--cloud-config', `${cli.home}/not-yaml.yaml`], /cloud-config file \S+not-yaml\.yaml is not valid YAML/],
      [['configure', 'fleet', '0', '1', '--cloud-config', `${cli.home}/unknown-key.yaml`], /unknown-key\.yaml has .*bogus_key/s],
      [['configure', 'fleet', '0', '--cloud-config', `${cli.home}/packages.yaml`], /asks for what the local provider cannot do\n\s+- packages: the local provider does not install OS packages/],
      [['configure', 'fleet', '0', '--cloud-config', marker, '--timeout', 'soon'], /--timeout/],
      [['configure', 'nowhere', '--cloud-config', marker], /unknown environment "nowhere"/],
    ];
    for (const [args, says] of cases) {
      const run = await cli.run(args);
      assert.equal(run.code, 2, `${args.join(' ')}: ${run.stderr}`);
      assert.match(run.stderr, says, args.join(' '));
      assert.doesNotMatch(run.stderr, /configuring the machine/, `${args.join(' ')}: nothing started`);
    }
    // A controller-cloud-config broken since the bootstrap is named, as bootstrap would name it.
    await cli.write('controller.yaml', 'write_files: [unclosed\n');
    const brokenController = await cli.run(['configure', 'fleet']);
    assert.equal(brokenController.code, 2, brokenController.stderr);
    assert.match(brokenController.stderr, /controller-cloud-config: \S+controller\.yaml is not valid YAML/);

    for (const [env, machine] of [['fleet', '0'], ['fleet', '1'], ['plain', '0']] as const) {
      assert.equal(await onMachine(cli, env, machine, 'ls /var/tmp/marker /var/tmp/marker-run 2>/dev/null || echo none'), 'none\n', `${env} ${machine} untouched`);
    }
  });
});

describe('envboot configure on a cloud-like host (manual provider, OpenSSH, non-root default user with sudo)', () => {
  it("writes a root-owned 0600 file and runs runcmd as root through the default user's sudo", async (t) => {
    const operator = generateSshKeyPair({ comment: 'operator' });
    const host = await startNamespacedSshd(t, { authorizedKeys: [operator.publicKey], defaultUser: 'debian' });
    if (host?.system === undefined) return;
    const cli = await cliHome('envboot-cli-configure-manual-');
    const identity = await cli.write('operator-key', operator.privateKey);
    await chmod(identity, 0o600);
    t.after(() => cli.run(['destroy', 'cloudy', '--yes']));
    const boot = await cli.run(['bootstrap', 'cloudy', '--provider', 'manual', '--identity', identity, '--host-key', host.hostPublicKey, '--host', `debian@${host.host}:${host.port}`]);
    ok(boot, 'bootstrap');

    // Under /var/lib: the host's private, empty view of it (see startNamespacedSshd).
    const config = await cli.write('secret.yaml', [
      '#cloud-config',
      'write_files:',
      '  - path: /var/lib/app/secret.conf',
      '    content: "token=s3cr3t\\n"',
      "    permissions: '0600'",
      'runcmd:',
      '  - id -un > /var/lib/app/ran-as',
      '',
    ].join('\n'));
    const configured = await cli.run(['configure', 'cloudy', '0', '--cloud-config', config]);
    ok(configured, 'configure');
    assert.match(configured.stdout, /^Machine 0: configured in /m);

    const check = await cli.run(['exec', 'cloudy', '0', '--', 'id -un; cat /var/lib/app/secret.conf 2>/dev/null || echo unreadable; sudo -n stat -c %U:%G:%a /var/lib/app/secret.conf; sudo -n cat /var/lib/app/secret.conf; cat /var/lib/app/ran-as']);
    ok(check, 'exec');
    assert.equal(check.stdout, 'debian\nunreadable\nroot:root:600\ntoken=s3cr3t\nroot\n');
  });
});
