import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import { cliHome, collect, finalResult, type CliHome } from '../src/cli/cli-harness.js';
import { destroyLeftovers, leftovers, requireLocalMachines, waitForEvent } from './cli-fixtures.js';

// Machines that take a second to boot and two to configure, so that an interruption lands inside each phase.
const configureSlowly = '#cloud-config\nwrite_files:\n  - path: /etc/resumed\n    content: "configured\\n"\nruncmd:\n  - sleep 2\n';
const environments = [
  'environments:',
  '  slow:',
  '    provider: local',
  '    options: {boot-delay: 1s}',
  '    controller-cloud-config: ./configure-slowly.yaml',
  '',
].join('\n');

type Event = Record<string, unknown>;
type Moment = (event: Event) => boolean;
const started = (phase: string): Moment => (e) => e['type'] === 'phase.started' && e['phase'] === phase;
const instanceStarted: Moment = (e) => e['type'] === 'instance.started';

async function resumeHome(t: TestContext): Promise<CliHome | undefined> {
  if (!(await requireLocalMachines(t))) return undefined;
  const cli = await cliHome('envboot-cli-resume-');
  destroyLeftovers(cli);
  await cli.write('configure-slowly.yaml', configureSlowly);
  await cli.write('environments.yaml', environments);
  return cli;
}

/** Runs the command and stops it with `signal` at the moment given; the run's result. */
async function interruptAt(cli: CliHome, args: readonly string[], moment: Moment, signal: 'SIGKILL' | 'SIGINT') {
  const child = cli.start([...args, '--json']);
  const done = collect(child);
  await waitForEvent(child, moment);
  child.kill(signal);
  return done;
}

interface StatusJson {
  machines: { id: string; instanceId: string; status: string }[];
  unrecordedInstances?: unknown[];
  bootstrap: { status: string } | null;
}

async function statusOf(cli: CliHome, name: string): Promise<StatusJson> {
  const run = await cli.run(['status', name, '--json']);
  assert.equal(run.code, 0, run.stderr);
  return finalResult(run)['result'] as StatusJson;
}

/** Every command tells the same story of an unfinished bootstrap, with the same two ways out. */
async function assertToldUnfinished(cli: CliHome): Promise<void> {
  const waysOut = /"envboot bootstrap slow --resume" goes on from where it stopped; "envboot destroy slow" removes what it made/;
  const status = await cli.run(['status', 'slow']);
  assert.match(status.stdout, waysOut, status.stdout);
  const listed = await cli.run(['environments']);
  assert.match(listed.stdout, /slow\s+local\s+bootstrap unfinished/);
  assert.match(listed.stdout, waysOut);
  const again = await cli.run(['bootstrap', 'slow', '--json']);
  assert.equal(again.code, 1, again.stderr);
  const error = (finalResult(again) as { error: { code: string; message: string } }).error;
  assert.equal(error.code, 'BOOTSTRAP_UNFINISHED');
  assert.match(error.message, waysOut);
  const add = await cli.run(['add-machine', 'slow', '--json']);
  assert.equal((finalResult(add) as { error: { code: string } }).error.code, 'BOOTSTRAP_UNFINISHED');
}

/** Resumes, then: exactly one controller, the config applied, nothing unrecorded; destroy leaves nothing. */
async function resumesToOneController(cli: CliHome, expected: readonly string[]): Promise<void> {
  const run = await cli.run(['bootstrap', 'slow', '--resume', '--json']);
  assert.equal(run.code, 0, run.stderr + run.stdout.split('\n').slice(-3).join('\n'));
  const result = finalResult(run)['result'] as { resumed: string; controller: { instanceId: string } };
  assert.ok(expected.includes(result.resumed), `resumed: ${result.resumed}`);
  const status = await statusOf(cli, 'slow');
  assert.equal(status.bootstrap?.status, 'complete');
  assert.deepEqual(status.machines.map((m) => [m.id, m.instanceId]), [['0', result.controller.instanceId]]);
  assert.deepEqual(status.unrecordedInstances ?? [], [], 'no second controller, nothing orphaned');
  const exec = await cli.run(['exec', 'slow', '0', '--', 'cat /etc/resumed']);
  assert.equal(exec.stdout, 'configured\n', exec.stderr);
  const again = await cli.run(['bootstrap', 'slow', '--resume']);
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stdout, /is bootstrapped and complete: there is nothing to resume/);
  const destroyed = await cli.run(['destroy', 'slow', '--yes']);
  assert.equal(destroyed.code, 0, destroyed.stderr);
  assert.deepEqual(await leftovers(cli), { processes: [], files: [] });
}

describe('envboot bootstrap --resume after a bootstrap that did not finish (local provider)', () => {
  const kills: [string, Moment, string[]][] = [
    ['after the provider-state claim, before any instance', (e) => e['type'] === 'phase.finished' && e['phase'] === 'claim', ['started', 'found']],
    ['after the instance started', instanceStarted, ['found', 'reached']],
    ['while waiting for SSH', started('wait-ssh'), ['reached']],
    ['while configuring', started('configure'), ['reached']],
  ];
  for (const [when, moment, expected] of kills) {
    it(`SIGKILLed ${when}: every command says so the same way, and --resume ends with one configured controller`, async (t) => {
      const cli = await resumeHome(t);
      if (cli === undefined) return;
      const killed = await interruptAt(cli, ['bootstrap', 'slow'], moment, 'SIGKILL');
      assert.equal(killed.signal, 'SIGKILL');
      await assertToldUnfinished(cli);
      await resumesToOneController(cli, expected);
    });
  }

  for (const phase of ['wait-ssh', 'configure']) {
    it(`interrupted (SIGINT) with --keep-broken while ${phase === 'wait-ssh' ? 'waiting for SSH' : 'configuring'}: --resume reaches the kept controller`, async (t) => {
      const cli = await resumeHome(t);
      if (cli === undefined) return;
      const stopped = await interruptAt(cli, ['bootstrap', 'slow', '--keep-broken'], started(phase), 'SIGINT');
      assert.equal(stopped.code, 130, stopped.stderr);
      assert.equal((await statusOf(cli, 'slow')).bootstrap?.status, 'failed');
      await assertToldUnfinished(cli);
      await resumesToOneController(cli, ['reached']);
    });
  }

  it('replaces a controller it cannot prove when this client lost the proof, and still never leaves two', async (t) => {
    const cli = await resumeHome(t);
    if (cli === undefined) return;
    await interruptAt(cli, ['bootstrap', 'slow'], started('configure'), 'SIGKILL');
    const { rm } = await import('node:fs/promises');
    await rm(`${cli.environmentDir('slow')}/proofs`, { recursive: true, force: true });
    await resumesToOneController(cli, ['reached', 'replaced']);
  });

  it('refuses to resume from a client without the key the controller was started for (exit 2), and leaves it running', async (t) => {
    const cli = await resumeHome(t);
    if (cli === undefined) return;
    await interruptAt(cli, ['bootstrap', 'slow'], started('configure'), 'SIGKILL');
    const { rm } = await import('node:fs/promises');
    await rm(`${cli.environmentDir('slow')}/client-key`, { force: true });
    await rm(`${cli.environmentDir('slow')}/client-key.pub`, { force: true });
    const before = (await statusOf(cli, 'slow')).machines.map((m) => [m.id, m.instanceId, m.status]);
    const run = await cli.run(['bootstrap', 'slow', '--resume']);
    assert.equal(run.code, 2, run.stderr);
    assert.match(run.stderr, /this client has no key of environment "slow", and its controller was started for the key of the client that bootstrapped it: run "envboot bootstrap slow --resume" there, or "envboot destroy slow"/);
    assert.deepEqual((await statusOf(cli, 'slow')).machines.map((m) => [m.id, m.instanceId, m.status]), before);
    const destroyed = await cli.run(['destroy', 'slow', '--yes']);
    assert.equal(destroyed.code, 0, destroyed.stderr);
    assert.deepEqual(await leftovers(cli), { processes: [], files: [] });
  });

  it('bootstraps from the start when there is nothing to resume', async (t) => {
    const cli = await resumeHome(t);
    if (cli === undefined) return;
    const run = await cli.run(['bootstrap', 'slow', '--resume']);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr + run.stdout, /has no provider-state: there is nothing to resume, so it is bootstrapped from the start/);
    await cli.run(['destroy', 'slow', '--yes']);
    assert.deepEqual(await leftovers(cli), { processes: [], files: [] });
  });

  it('refuses --resume with --dry-run as bad input', async (t) => {
    const cli = await resumeHome(t);
    if (cli === undefined) return;
    const run = await cli.run(['bootstrap', 'slow', '--resume', '--dry-run']);
    assert.equal(run.code, 2, run.stderr);
    assert.deepEqual(cli.environmentDirs(), []);
  });
});

describe('envboot add-machine --resume after an add-machine that was killed (local provider)', () => {
  it('lists the pending machines in status, and goes on with them: reached, configured, no longer pending', async (t) => {
    const cli = await resumeHome(t);
    if (cli === undefined) return;
    const boot = await cli.run(['bootstrap', 'slow']);
    assert.equal(boot.code, 0, boot.stderr);
    const config = `${cli.home}/configure-slowly.yaml`;
    await interruptAt(cli, ['add-machine', 'slow', '-n', '2', '--cloud-config', config], started('configure'), 'SIGKILL');
    const status = await cli.run(['status', 'slow']);
    assert.match(status.stdout, /pending: add-machine did not finish/);
    assert.match(status.stdout, /"envboot add-machine slow --resume" goes on with them/);

    // Bad input, nothing touched: new machines and the pending ones at once; the interrupted run's cloud-config left out.
    const both = await cli.run(['add-machine', 'slow', '--resume', '-n', '2']);
    assert.equal(both.code, 2, both.stderr);
    assert.match(both.stderr, /--resume goes on with the machines an interrupted add-machine left pending; -n and the provider flags add new ones: give one or the other/);
    const bare = await cli.run(['add-machine', 'slow', '--resume']);
    assert.equal(bare.code, 2, bare.stderr);
    assert.match(bare.stderr, /the interrupted add-machine applied a cloud-config to machine 1, 2, and envboot keeps only its digest: give it again with --cloud-config FILE/);
    assert.match((await cli.run(['status', 'slow'])).stdout, /pending: add-machine did not finish/, 'still pending: nothing was done');

    const run = await cli.run(['add-machine', 'slow', '--resume', '--cloud-config', config, '--json']);
    assert.equal(run.code, 0, run.stderr);
    const result = finalResult(run)['result'] as { resumed: { machineId: string; outcome: string }[] };
    assert.deepEqual(result.resumed.map((r) => [r.machineId, r.outcome]), [['1', 'reached'], ['2', 'reached']]);
    const after = await statusOf(cli, 'slow');
    assert.deepEqual(after.machines.map((m) => m.id), ['0', '1', '2']);
    const plain = await cli.run(['status', 'slow']);
    assert.doesNotMatch(plain.stdout, /pending/);
    for (const id of ['1', '2']) assert.equal((await cli.run(['exec', 'slow', id, '--', 'cat /etc/resumed'])).stdout, 'configured\n');
    const nothing = await cli.run(['add-machine', 'slow', '--resume']);
    assert.equal(nothing.code, 0, nothing.stderr);
    assert.match(nothing.stdout, /Nothing to resume in "slow": no machine is pending/);
    await cli.run(['destroy', 'slow', '--yes']);
    assert.deepEqual(await leftovers(cli), { processes: [], files: [] });
  });
});
