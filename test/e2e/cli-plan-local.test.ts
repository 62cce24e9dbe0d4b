import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { processesMentioning } from '../helpers/processes.js';
import { cliHome } from '../src/cli/cli-harness.js';
import { destroyLeftovers, requireLocalMachines } from './cli-fixtures.js';
import { fileSnapshot, firstMachine, planOf, refusedAlike } from './plan-fixtures.js';

describe('envboot bootstrap and add-machine --dry-run on the local provider', () => {
  it('plans without starting the agent or writing a file, and plans machines beside a running controller without touching it', async (t) => {
    if (!(await requireLocalMachines(t))) return;
    const cli = await cliHome('envboot-cli-plan-local-');
    destroyLeftovers(cli);
    const data = path.join(cli.home, 'data');

    const plan = planOf(await cli.run(['bootstrap', 'demo', '--dry-run', '--json', '--constraints', 'cores=1']));
    assert.deepEqual(processesMentioning(cli.home), [], 'no local agent was started');
    assert.deepEqual(await fileSnapshot(data), [], 'nothing under the data directory: no record, key, lock or provider folder');
    assert.equal(plan.environment.provider, 'local');
    assert.deepEqual(plan.environment.options, { zones: ['local-a', 'local-b', 'local-c'], bootDelayMs: 0 }, 'the defaults, filled in');
    assert.equal(plan.environment.constraints, 'cores=1');
    const { machine: controller, provider } = firstMachine(plan);
    assert.deepEqual(controller.zones, ['local-a', 'local-b', 'local-c']);
    assert.equal(controller.instanceType, null, 'the local provider has no catalogue');
    assert.deepEqual(provider.resources.map((r) => `${r.action} ${r.kind}`), ['create agent']);
    assert.ok(plan.calls.some((call) => call.action === 'host:spawn' && call.writes));

    const text = await cli.run(['bootstrap', 'demo', '--dry-run']);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /^ {2}options: +zones=local-a,local-b,local-c bootDelayMs=0$/m);
    assert.match(text.stdout, /Nothing was created: this was a dry run\.\n$/);
    assert.deepEqual(await fileSnapshot(data), []);

    const boot = await cli.run(['bootstrap', 'demo']);
    assert.equal(boot.code, 0, boot.stderr);
    const running = processesMentioning(cli.home);
    assert.ok(running.length > 0, 'the real bootstrap started the agent and the machine');
    const again = await cli.run(['bootstrap', 'demo', '--dry-run']);
    const second = await cli.run(['bootstrap', 'demo']);
    assert.equal(again.code, second.code);
    assert.match(again.stderr, /^Error: environment "demo" is already bootstrapped; "envboot status demo" shows it/m);

    const dir = cli.environmentDir('demo');
    const records = (await fileSnapshot(dir)).filter((entry) => !/^provider\/(machines|base|agent)/.test(entry));
    const added = planOf(await cli.run(['add-machine', 'demo', '-n', '2', '--dry-run', '--json']));
    assert.deepEqual(added.machines.map((m) => `${m.id} ${m.zones[0] ?? ''}`), ['1 local-b', '2 local-c'], 'spread away from the controller in local-a');
    assert.deepEqual(added.machines[0]?.provider?.resources.map((r) => `${r.action} ${r.kind}`), ['reuse agent']);
    assert.deepEqual(processesMentioning(cli.home), running, 'the same agent and machine, and no other process');
    assert.deepEqual((await fileSnapshot(dir)).filter((entry) => !/^provider\/(machines|base|agent)/.test(entry)), records, 'records, keys and provider-state untouched');
    const status = await cli.run(['status', 'demo', '--json']);
    assert.equal((JSON.parse(status.stdout.trim().split('\n').at(-1) ?? '{}') as { result: { machines: unknown[] } }).result.machines.length, 1);
  });

  it('refuses bad input as bootstrap and add-machine do: exit 2, the same message, nothing written', async (t) => {
    if (!(await requireLocalMachines(t))) return;
    const cli = await cliHome('envboot-cli-plan-local-bad-');
    destroyLeftovers(cli);
    await refusedAlike(cli, ['bootstrap', 'demo', '--constraints', 'cores=9999']);
    await refusedAlike(cli, ['bootstrap', 'demo', '--constraints', 'instance-type=m5.large']);
    await refusedAlike(cli, ['bootstrap', 'demo', '--zone', 'local-q']);
    await refusedAlike(cli, ['bootstrap', 'demo', '--expose', '443']);
    await refusedAlike(cli, ['bootstrap', 'demo', '--constraints', 'mem=lots']);
    await cli.write('packages.yaml', '#cloud-config\npackages: [nginx]\n');
    await refusedAlike(cli, ['bootstrap', 'demo', '--cloud-config', path.join(cli.home, 'packages.yaml')]);
    await refusedAlike(cli, ['bootstrap', 'demo', '--host', 'root@127.0.0.1']);
    await refusedAlike(cli, ['add-machine', 'never-made', '-n', '2']);
    await cli.write('environments.yaml', 'environments:\n  typo:\n    provider: local\n    options:\n      zone: [a]\n');
    await refusedAlike(cli, ['bootstrap', 'typo']);
    const resumed = await cli.run(['add-machine', 'typo', '--dry-run', '--resume']);
    assert.equal(resumed.code, 2, resumed.stderr);
    assert.match(resumed.stderr, /--dry-run plans new machines and cannot be combined with --resume/);
    assert.deepEqual(cli.environmentDirs(), []);
    assert.deepEqual(processesMentioning(cli.home), []);
  });
});
