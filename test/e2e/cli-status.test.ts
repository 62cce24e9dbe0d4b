import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import { cliHome, collect, finalResult, type CliHome, type CliRun } from '../src/cli/cli-harness.js';
import { destroyLeftovers, leftovers, requireLocalMachines, waitForEvent } from './cli-fixtures.js';

// A configure that fails, after printing a terminal escape the status output must not pass on.
const failingConfig = '#cloud-config\nruncmd:\n  - echo about to fail\n  - printf "\\033[2Jescape\\n"\n  - exit 3\n';
const environments = [
  'environments:',
  '  broken:',
  '    provider: local',
  '    controller-cloud-config: ./failing.yaml',
  '  fleet:',
  '    provider: local',
  '  slow:',
  '    provider: local',
  '    options: {boot-delay: 60s}',
  '',
].join('\n');

interface FailureJson {
  phase: string;
  code: string;
  message: string;
  at: string;
  machineId?: string | null;
}

interface StatusJson {
  bootstrap: { status: string; failure: FailureJson | null; completedAt: string | null; runningCommand: { pid: number; command: string } | null } | null;
  machines: { id: string; controller: boolean; status: string; statusMessage: string | null; failure: FailureJson | null }[];
}

async function statusHome(t: TestContext): Promise<CliHome | undefined> {
  if (!(await requireLocalMachines(t))) return undefined;
  const cli = await cliHome('envboot-cli-status-');
  destroyLeftovers(cli);
  await cli.write('failing.yaml', failingConfig);
  await cli.write('environments.yaml', environments);
  return cli;
}

/** `status NAME` as text: exit 0, and no raw control character (but newlines) whatever the machines printed. */
async function statusText(cli: CliHome, name: string): Promise<string> {
  const run = await cli.run(['status', name]);
  assert.equal(run.code, 0, run.stderr);
  // eslint-disable-next-line no-control-regex -- finding control characters is the point
  assert.doesNotMatch(run.stdout, /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/, 'no terminal escape reaches the table');
  return run.stdout;
}

async function statusJson(cli: CliHome, name: string): Promise<StatusJson> {
  const run = await cli.run(['status', name, '--json']);
  assert.equal(run.code, 0, run.stderr);
  return finalResult(run)['result'] as StatusJson;
}

async function destroyLeavesNothing(cli: CliHome, name: string): Promise<void> {
  const run = await cli.run(['destroy', name, '--yes']);
  assert.equal(run.code, 0, run.stderr);
  assert.deepEqual(await leftovers(cli), { processes: [], files: [] });
}

function failed(run: CliRun, what: string): void {
  assert.equal(run.code, 1, `${what} fails: ${run.stderr}`);
}

describe('envboot status says why, on the local provider', () => {
  it('shows a bootstrap kept with --keep-broken as failed, with the configure failure, in the table and in --json', async (t) => {
    const cli = await statusHome(t);
    if (cli === undefined) return;
    const boot = await cli.run(['bootstrap', 'broken', '--keep-broken']);
    failed(boot, 'the bootstrap');
    assert.match(boot.stderr, /Machine 0's logs: "envboot logs broken 0" shows its console, cloud-init's output and \/var\/log\/envboot\/configure\.log; add "--output DIR"/);

    const text = await statusText(cli, 'broken');
    assert.match(text, /^0\*\s+local-\S+\s+running \(bootstrap failed; configure failed\)\s+local-/m);
    assert.match(text, /^Bootstrap failed: configure failed on machine 0 at \S+ \(REMOTE_COMMAND_FAILED\):$/m);
    assert.match(text, /^ {4}configuring .* failed: the script exited with status 3; .*about to fail \| .*\\x1b\[2Jescape \|/m);
    assert.match(text, /"envboot logs broken 0" shows the controller's logs; "envboot bootstrap broken --resume" goes on from where it stopped; "envboot destroy broken" removes what it made/);
    assert.doesNotMatch(text, /^Machine 0/m, 'the controller failure is told once, as the bootstrap failure');

    const json = await statusJson(cli, 'broken');
    assert.equal(json.bootstrap?.status, 'failed');
    assert.deepEqual([json.bootstrap.failure?.phase, json.bootstrap.failure?.code, json.bootstrap.failure?.machineId], ['configure', 'REMOTE_COMMAND_FAILED', '0']);
    assert.equal(json.bootstrap.completedAt, null);
    const [controller] = json.machines;
    assert.deepEqual([controller?.id, controller?.controller, controller?.status, controller?.statusMessage], ['0', true, 'running', null]);
    assert.deepEqual([controller?.failure?.phase, controller?.failure?.code], ['configure', 'REMOTE_COMMAND_FAILED']);
    assert.match(controller?.failure?.message ?? '', /exited with status 3/);
    assert.ok(!Number.isNaN(Date.parse(controller?.failure?.at ?? '')), 'when, as an ISO time');

    await destroyLeavesNothing(cli, 'broken');
  });

  it('shows a healthy environment without reasons, and a machine kept by add-machine --keep-broken with its own', async (t) => {
    const cli = await statusHome(t);
    if (cli === undefined) return;
    const boot = await cli.run(['bootstrap', 'fleet']);
    assert.equal(boot.code, 0, boot.stderr);

    const healthy = await statusText(cli, 'fleet');
    assert.match(healthy, /^0\*\s+local-\S+\s+running\s+local-/m);
    assert.doesNotMatch(healthy, /failed|did not finish|in progress|Bootstrap|^Machine \d/m);
    const fine = await statusJson(cli, 'fleet');
    assert.equal(fine.bootstrap?.status, 'complete');
    assert.equal(typeof fine.bootstrap.completedAt, 'string');
    assert.equal(fine.bootstrap.failure, null);
    assert.deepEqual(fine.machines.map((m) => [m.id, m.status, m.failure, m.statusMessage]), [['0', 'running', null, null]]);

    const removing = await cli.run(['add-machine', 'fleet', '--cloud-config', `${cli.home}/failing.yaml`]);
    failed(removing, 'add-machine without --keep-broken');
    assert.match(removing.stderr, /Removed what this run created: instance local-\S+\. Run it again with --keep-broken to keep a failed machine and read its logs/);
    const keeping = await cli.run(['add-machine', 'fleet', '--keep-broken', '--cloud-config', `${cli.home}/failing.yaml`]);
    failed(keeping, 'add-machine');
    assert.match(keeping.stderr, /Kept for debugging \(--keep-broken\): instance local-\S+\./);
    assert.match(keeping.stderr, /Machine 2's logs: "envboot logs fleet 2"/);
    const text = await statusText(cli, 'fleet');
    assert.match(text, /^0\*\s+local-\S+\s+running\s+local-/m, 'the controller stays plainly fine');
    assert.match(text, /^2\s+local-\S+\s+running \(configure failed\)\s+local-/m);
    assert.match(text, /^Machine 2: configure failed at \S+ \(REMOTE_COMMAND_FAILED\):$/m);
    assert.match(text, /^ {4}configuring .* failed: the script exited with status 3/m);
    assert.match(text, /"envboot logs fleet 2" shows its logs; "envboot remove-machine fleet 2" removes it\./);
    assert.doesNotMatch(text, /Bootstrap/);
    const json = await statusJson(cli, 'fleet');
    assert.equal(json.bootstrap?.status, 'complete');
    assert.deepEqual(json.machines.map((m) => [m.id, m.failure?.phase ?? null, m.failure?.code ?? null]), [['0', null, null], ['2', 'configure', 'REMOTE_COMMAND_FAILED']]);

    const removed = await cli.run(['remove-machine', 'fleet', '2']);
    assert.equal(removed.code, 0, removed.stderr);
    assert.doesNotMatch(await statusText(cli, 'fleet'), /failed|^Machine \d/m, 'the reason went with the machine');
    await destroyLeavesNothing(cli, 'fleet');
  });

  it('shows a bootstrap that runs as in progress with its pid, and one killed with SIGKILL as not finished', async (t) => {
    const cli = await statusHome(t);
    if (cli === undefined) return;
    const child = cli.start(['bootstrap', 'slow', '--json']);
    const done = collect(child);
    await waitForEvent(child, (e) => e['type'] === 'phase.started' && e['phase'] === 'wait-ssh');

    const during = await statusText(cli, 'slow');
    assert.match(during, /^0\*\s+local-\S+\s+\w+ \(bootstrap in progress\)/m);
    assert.match(during, new RegExp(`^Bootstrap in progress \\(pid ${String(child.pid)}\\)`, 'm'));
    const running = await statusJson(cli, 'slow');
    assert.deepEqual([running.bootstrap?.status, running.bootstrap?.runningCommand?.pid], ['in-progress', child.pid]);

    child.kill('SIGKILL');
    assert.equal((await done).signal, 'SIGKILL');
    const after = await statusText(cli, 'slow');
    assert.match(after, /^0\*\s+local-\S+\s+\w+ \(bootstrap did not finish\)/m);
    assert.match(after, /^Bootstrap did not finish \(started \S+\): no envboot command on this client is running it/m);
    assert.match(after, /"envboot destroy slow" removes what it made/);
    const json = await statusJson(cli, 'slow');
    assert.deepEqual([json.bootstrap?.status, json.bootstrap?.failure, json.bootstrap?.runningCommand], ['interrupted', null, null]);

    await destroyLeavesNothing(cli, 'slow');
  });
});
