import assert from 'node:assert/strict';
import os from 'node:os';
import { describe, it } from 'node:test';
import { cliHome, finalResult, jsonLines } from '../src/cli/cli-harness.js';
import { destroyLeftovers, leftovers, requireLocalMachines } from './cli-fixtures.js';

interface Added {
  readonly machines: readonly { id: string; zone: string | null; hardware: { cores?: number; memoryMiB?: number } | null }[];
}

const hostCores = os.cpus().length;
const otherArch = process.arch === 'arm64' ? 'amd64' : 'arm64';

describe('envboot places machines with one planner: zones and constraints, bootstrap and add-machine alike (local provider)', () => {
  it('refuses what this host cannot give, exit 2, naming the constraint, what the host has and what to ask for, with nothing created', async (t) => {
    if (!(await requireLocalMachines(t))) return;
    const cli = await cliHome('envboot-cli-placement-');
    destroyLeftovers(cli);
    const refusals: [string, RegExp][] = [
      [`cores=${hostCores + 1}`, new RegExp(`cores=${hostCores + 1}: a local machine has at most ${hostCores} cores? \\(this host's: local machines share it\\); ask for cores=${hostCores} or fewer`)],
      ['mem=1P', /mem=1P: a local machine has at most [\d.]+ GiB of memory \(this host's: local machines share it\); ask for mem=\d+G or less/],
      [`arch=${otherArch}`, new RegExp(`arch=${otherArch}: a local machine is \\w+ \\(this host's: local machines share it\\); remove arch= or ask for arch=`)],
      ['instance-type=m5.large', /instance-type=m5\.large: the local provider has no instance types; ask for the hardware instead, e\.g\. cores=2 mem=4G/],
      ['zones=local-z', /unknown zone "local-z"; the zones here are: local-a, local-b, local-c; fix zones= in the constraints/],
    ];
    for (const [constraints, says] of refusals) {
      const run = await cli.run(['bootstrap', 'demo', '--json', '--constraints', constraints]);
      assert.equal(run.code, 2, `${constraints}: ${run.stdout}`);
      const error = (finalResult(run)['error'] ?? {}) as { code?: string; message?: string };
      assert.equal(error.code, 'CONFIG_INVALID');
      assert.match(error.message ?? '', says);
      const claimed = jsonLines(run).some((event) => event['type'] === 'phase.started' && event['phase'] === 'claim');
      assert.equal(claimed, false, `${constraints} was refused before the claim, not undone after it`);
      assert.deepEqual(await leftovers(cli), { processes: [], files: [] }, `${constraints} left something behind`);
      assert.deepEqual(cli.environmentDirs(), [], 'no environment was recorded');
    }
    const human = await cli.run(['bootstrap', 'demo', '--constraints', `cores=${hostCores + 1}`]);
    assert.equal(human.code, 2);
    assert.match(human.stderr, /^Error: the local provider cannot meet the constraints "cores=\d+" \(nothing was created\):\n {2}- cores=\d+: a local machine has at most/m);
    const json = await cli.run(['bootstrap', 'demo', '--json', '--constraints', 'cores=100000 mem=1P']);
    assert.equal(json.code, 2);
    const error = (finalResult(json)['error'] ?? {}) as { code?: string; problems?: { message: string }[] };
    assert.equal(error.code, 'CONFIG_INVALID');
    assert.deepEqual(error.problems?.map((p) => p.message.split(':')[0]), ['cores=100000', 'mem=1P'], 'every problem, each naming its constraint');
  });

  it("honours zones= from environments.yaml and from --constraints, and --zone, for added machines; refuses unknown zones and impossible constraints before any id or machine", async (t) => {
    if (!(await requireLocalMachines(t))) return;
    const cli = await cliHome('envboot-cli-placement-');
    destroyLeftovers(cli);
    await cli.write('environments.yaml', 'environments:\n  zoned:\n    provider: local\n    constraints: "zones=local-b"\n');
    const boot = await cli.run(['bootstrap', 'zoned', '--json']);
    assert.equal(boot.code, 0, boot.stderr + boot.stdout);
    assert.equal((finalResult(boot)['result'] as { controller: { zone: string } }).controller.zone, 'local-b', "the config's zones= places the controller");

    const added = async (args: readonly string[]): Promise<Added['machines']> => {
      const run = await cli.run(['add-machine', 'zoned', '--json', ...args]);
      assert.equal(run.code, 0, run.stderr + run.stdout);
      return (finalResult(run)['result'] as Added).machines;
    };
    const fromConfig = await added(['-n', '2']);
    assert.deepEqual(fromConfig.map((m) => m.zone), ['local-b', 'local-b'], 'zones= in environments.yaml holds for added machines too');
    assert.deepEqual(fromConfig.map((m) => m.hardware?.cores), [hostCores, hostCores], "a local machine reports this host's cores");
    assert.deepEqual((await added(['-n', '2', '--constraints', 'zones=local-c'])).map((m) => m.zone), ['local-c', 'local-c'], '--constraints zones= over the config');
    assert.deepEqual((await added(['--zone', 'local-a', '--constraints', 'zones=local-c'])).map((m) => m.zone), ['local-a'], '--zone over zones=');

    const refusals: [readonly string[], RegExp][] = [
      [['--constraints', 'zones=local-z'], /unknown zone "local-z"; the zones here are: local-a, local-b, local-c; fix zones= in the constraints/],
      [['--zone', 'local-y'], /unknown zone "local-y"; the zones here are: local-a, local-b, local-c; fix --zone/],
      [['--constraints', `cores=${hostCores + 1}`], new RegExp(`cores=${hostCores + 1}: a local machine has at most ${hostCores}`)],
      [['--constraints', 'instance-type=m5.large'], /instance-type=m5\.large: the local provider has no instance types/],
    ];
    for (const [args, says] of refusals) {
      const run = await cli.run(['add-machine', 'zoned', '-n', '2', ...args]);
      assert.equal(run.code, 2, `${args.join(' ')}: ${run.stderr}`);
      assert.match(run.stderr, says);
    }
    const status = await cli.run(['status', 'zoned', '--json']);
    const machines = (finalResult(status)['result'] as { machines: { id: string }[] }).machines.map((m) => m.id);
    assert.deepEqual(machines, ['0', '1', '2', '3', '4', '5'], 'no machine was added by a refused add-machine');

    const next = await added(['--zone', 'local-c']);
    assert.deepEqual(next.map((m) => m.id), ['6'], 'no machine id was reserved by the refused runs');
    const destroyed = await cli.run(['destroy', 'zoned', '--yes']);
    assert.equal(destroyed.code, 0, destroyed.stderr);
    assert.deepEqual(await leftovers(cli), { processes: [], files: [] });
  });
});
