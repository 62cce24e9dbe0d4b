import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import { cliHome, collect, finalResult, type CliHome } from '../src/cli/cli-harness.js';
import { destroyLeftovers, leftovers, requireLocalMachines, waitForEvent } from './cli-fixtures.js';

// Machines that take a second to boot and two to configure, so that a kill lands inside each phase.
const configureSlowly = '#cloud-config\nruncmd:\n  - sleep 2\n';
const environments = [
  'environments:',
  '  slow:',
  '    provider: local',
  '    options: {boot-delay: 1s}',
  '    controller-cloud-config: ./configure-slowly.yaml',
  '  fleet:',
  '    provider: local',
  '    options: {boot-delay: 1s}',
  '  quick:',
  '    provider: local',
  '',
].join('\n');

type Event = Record<string, unknown>;
type Moment = (event: Event) => boolean;

const started = (phase: string): Moment => (e) => e['type'] === 'phase.started' && e['phase'] === phase;
const finished = (phase: string): Moment => (e) => e['type'] === 'phase.finished' && e['phase'] === phase;
const instanceStarted: Moment = (e) => e['type'] === 'instance.started';

async function killHome(t: TestContext): Promise<CliHome | undefined> {
  if (!(await requireLocalMachines(t))) return undefined;
  const cli = await cliHome('envboot-cli-kill-');
  destroyLeftovers(cli);
  await cli.write('configure-slowly.yaml', configureSlowly);
  await cli.write('environments.yaml', environments);
  return cli;
}

/**
 * Runs the command and SIGKILLs it at the moment given (or `laterMs` after it); true when
 * the kill, not the end of the command, ended it.
 */
async function killAt(cli: CliHome, args: readonly string[], moment: Moment, laterMs = 0): Promise<boolean> {
  const child = cli.start([...args, '--json']);
  const done = collect(child);
  await waitForEvent(child, moment);
  if (laterMs > 0) await new Promise((resolve) => setTimeout(resolve, laterMs));
  child.kill('SIGKILL');
  return (await done).signal === 'SIGKILL';
}

async function succeeds(cli: CliHome, args: readonly string[]): Promise<void> {
  const run = await cli.run(args);
  assert.equal(run.code, 0, `${args.join(' ')}: ${run.stderr}`);
}

/** `destroy` right after the kill: exit 0, and nothing of the environment left (processes, files). */
async function destroyLeavesNothing(t: TestContext, cli: CliHome, name: string): Promise<void> {
  const begun = performance.now();
  const run = await cli.run(['destroy', name, '--yes']);
  t.diagnostic(`destroy after the kill took ${Math.round(performance.now() - begun)} ms`);
  assert.equal(run.code, 0, run.stderr);
  assert.deepEqual(await leftovers(cli), { processes: [], files: [] });
}

/** The killed command run again at once: whatever it decides, it is not refused as if the killed one still ran. */
async function runsAgain(t: TestContext, cli: CliHome, args: readonly string[]): Promise<Event> {
  const begun = performance.now();
  const run = await cli.run([...args, '--json']);
  t.diagnostic(`${args[0] ?? ''} again after the kill took ${Math.round(performance.now() - begun)} ms`);
  const result = finalResult(run) as { ok: boolean; error?: { code: string; message: string } };
  assert.notEqual(result.error?.code, 'PRECONDITION_FAILED', result.error?.message);
  return result;
}

describe('SIGKILL of envboot bootstrap, then destroy at once', () => {
  const moments: [string, Moment, number][] = [
    ['after the provider-state claim', finished('claim'), 0],
    // The local agent takes some 100 ms to start, under its own lock: the kill aims inside.
    ['while starting the local agent', started('prepare'), 40],
    ['after the instance started', instanceStarted, 0],
    ['while waiting for SSH', started('wait-ssh'), 0],
    ['while configuring', started('configure'), 0],
  ];
  for (const [when, moment, laterMs] of moments) {
    it(`removes everything when the bootstrap was killed ${when}`, async (t) => {
      const cli = await killHome(t);
      if (cli === undefined) return;
      assert.ok(await killAt(cli, ['bootstrap', 'slow'], moment, laterMs), 'the kill landed before the bootstrap finished');
      await destroyLeavesNothing(t, cli, 'slow');
    });

    it(`lets the same bootstrap run again at once when it was killed ${when}`, async (t) => {
      const cli = await killHome(t);
      if (cli === undefined) return;
      assert.ok(await killAt(cli, ['bootstrap', 'slow'], moment, laterMs));
      const again = await runsAgain(t, cli, ['bootstrap', 'slow']);
      // Past the claim, provider-state says the environment exists and did not finish: the second run says so (and how to go on) instead of bootstrapping over it.
      assert.ok(again['ok'] === true || (again['error'] as { code: string }).code === 'BOOTSTRAP_UNFINISHED', JSON.stringify(again));
      await destroyLeavesNothing(t, cli, 'slow');
    });
  }
});

describe('SIGKILL of envboot add-machine, then destroy at once', () => {
  const moments: [string, Moment][] = [
    ['after the instance started (before it was recorded)', instanceStarted],
    ['while waiting for SSH', started('wait-ssh')],
    ['while configuring', started('configure')],
  ];
  for (const [when, moment] of moments) {
    it(`removes everything when add-machine was killed ${when}`, async (t) => {
      const cli = await killHome(t);
      if (cli === undefined) return;
      await succeeds(cli, ['bootstrap', 'fleet']);
      assert.ok(await killAt(cli, ['add-machine', 'fleet', '--cloud-config', `${cli.home}/configure-slowly.yaml`], moment));
      await destroyLeavesNothing(t, cli, 'fleet');
    });
  }

  it('lets add-machine run again at once after a kill while waiting for SSH', async (t) => {
    const cli = await killHome(t);
    if (cli === undefined) return;
    await succeeds(cli, ['bootstrap', 'fleet']);
    assert.ok(await killAt(cli, ['add-machine', 'fleet'], started('wait-ssh')));
    const again = await runsAgain(t, cli, ['add-machine', 'fleet']);
    assert.equal(again['ok'], true, JSON.stringify(again));
    await destroyLeavesNothing(t, cli, 'fleet');
  });
});

describe('SIGKILL of envboot destroy, then destroy again at once', () => {
  for (const phase of ['stop-instances', 'teardown', 'remove-storage']) {
    it(`finishes the job when the first destroy was killed at ${phase}`, async (t) => {
      const cli = await killHome(t);
      if (cli === undefined) return;
      await succeeds(cli, ['bootstrap', 'quick']);
      await succeeds(cli, ['add-machine', 'quick', '-n', '2']);
      // A local machine stops within milliseconds: the kill may come after the end, which the diagnostic records.
      const landed = await killAt(cli, ['destroy', 'quick', '--yes'], started(phase));
      t.diagnostic(`the kill ${landed ? 'landed inside' : 'came after the end of'} the first destroy`);
      await destroyLeavesNothing(t, cli, 'quick');
    });
  }
});
