import assert from 'node:assert/strict';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { requireTool } from '../helpers/require-tool.js';
import { cliHome, collect, finalResult, jsonLines, type CliHome } from '../src/cli/cli-harness.js';
import { destroyLeftovers, leftovers, requireLocalMachines } from './cli-fixtures.js';

interface MachineJson {
  id: string;
  instanceId: string;
  zone: string | null;
  status?: string;
  controller?: boolean;
  addresses: { value: string; port: number; scope: string }[];
}

describe('the envboot command, end to end on the local provider', () => {
  it('bootstraps, reports status, runs commands, opens ssh, adds and removes machines, and destroys everything', async (t) => {
    if (!(await requireLocalMachines(t))) return;
    const ssh = requireTool(t, 'ssh', 'envboot ssh runs the OpenSSH client');
    if (ssh === undefined) return;
    const cli = await cliHome('envboot-cli-e2e-');
    destroyLeftovers(cli);
    await cli.write('controller.yaml', '#cloud-config\nwrite_files:\n  - path: /etc/life.conf\n    content: "inside the controller\\n"\nruncmd:\n  - echo configured-by-runcmd\n');
    await cli.write('environments.yaml', 'environments:\n  life:\n    provider: local\n    constraints: "cores=1"\n    controller-cloud-config: ./controller.yaml\n');

    const boot = await cli.run(['bootstrap', 'life', '--json']);
    assert.equal(boot.code, 0, boot.stderr + boot.stdout);
    const events = jsonLines(boot);
    const phases = events.filter((e) => e['type'] === 'phase.finished').map((e) => e['phase']);
    assert.deepEqual(phases, ['preflight', 'claim', 'prepare', 'generate-keys', 'start-instance', 'record-state', 'wait-ssh', 'configure']);
    assert.ok(events.every((e) => typeof e['type'] === 'string' && (e['type'] === 'result' || typeof e['time'] === 'string')));
    const output = events.filter((e) => e['type'] === 'configure').map((e) => (e['event'] as { line?: string }).line);
    assert.ok(output.includes('configured-by-runcmd'), 'the configure output is streamed as events');
    const result = finalResult(boot);
    assert.equal(result['ok'], true);
    const booted = result['result'] as { environment: { uuid: string; provider: string }; controller: MachineJson };
    assert.equal(booted.controller.id, '0');
    assert.equal(booted.environment.provider, 'local');

    const dir = cli.environmentDir('life');
    assert.equal((await stat(path.join(dir, 'client-key'))).mode & 0o777, 0o600);
    const record = JSON.parse(await readFile(path.join(dir, 'environment.json'), 'utf8')) as { uuid: string };
    assert.equal(record.uuid, booted.environment.uuid);
    assert.match(await readFile(path.join(dir, 'known_hosts'), 'utf8'), /^envboot-life-machine-0 ssh-ed25519 AAAA/);

    const status = await cli.run(['status', 'life', '--json']);
    assert.equal(status.code, 0, status.stderr);
    const shown = finalResult(status)['result'] as { machines: MachineJson[]; providerState: { location: string } };
    assert.deepEqual(shown.machines.map((m) => [m.id, m.controller, m.status]), [['0', true, 'running']]);
    assert.match(shown.providerState.location, /storage/);
    const human = await cli.run(['status']);
    assert.equal(human.code, 0, human.stderr);
    assert.match(human.stdout, /^0\*\s+local-\S+\s+running\s+local-/m);

    const cat = await cli.run(['exec', 'life', '0', '--', 'cat /etc/life.conf']);
    assert.deepEqual([cat.code, cat.stdout], [0, 'inside the controller\n']);
    const failing = await cli.run(['exec', 'life', '0', '--', 'echo out; echo err >&2; exit 7']);
    assert.deepEqual([failing.code, failing.stdout, failing.stderr], [7, 'out\n', 'err\n']);
    const piped = await cli.run(['exec', 'life', '0', '--', 'tr', 'a-z', 'A-Z'], { input: 'through stdin\n' });
    assert.deepEqual([piped.code, piped.stdout], [0, 'THROUGH STDIN\n']);
    const argv = await cli.run(['exec', 'life', '0', '--', 'printf', '%s|', 'two words', '$HOME', "it's"]);
    assert.equal(argv.stdout, "two words|$HOME|it's|", 'several arguments arrive exactly as given');

    const reader = cli.start(['exec', 'life', '0', '--', 'seq 1 100000000']);
    const readerDone = collect(reader);
    await new Promise((resolve) => reader.stdout?.once('data', resolve));
    reader.stdout?.destroy();
    const cutShort = await readerDone;
    assert.equal(cutShort.code, 141, `a reader that went away ends exec like SIGPIPE ends a pipeline's writer: ${cutShort.stderr}`);
    assert.doesNotMatch(cutShort.stderr, /EPIPE|\n\s+at /);
    const running = await remoteCommandLines(cli, 'life');
    assert.ok(running.some((line) => line.includes('cmdline')), 'the listing sees its own shell');
    assert.ok(!running.some((line) => line.includes('seq 1 100000000')), 'the remote command was ended too');

    const viaSsh = await cli.run(['ssh', 'life', '0', '--', 'echo $((6 * 7)); exit 3']);
    assert.deepEqual([viaSsh.code, viaSsh.stdout], [3, '42\n'], viaSsh.stderr);
    const shell = await cli.run(['ssh', 'life', '0'], { input: 'cat /etc/life.conf\nexit 4\n' });
    assert.equal(shell.code, 4, shell.stderr);
    assert.match(shell.stdout, /inside the controller/);

    const added = await cli.run(['add-machine', 'life', '-n', '2', '--json']);
    assert.equal(added.code, 0, added.stderr + added.stdout);
    const machines = (finalResult(added)['result'] as { machines: MachineJson[] }).machines;
    assert.deepEqual(machines.map((m) => m.id).sort(), ['1', '2']);
    assert.equal(new Set(machines.map((m) => m.zone)).size, 2, 'spread over two zones');
    const onAdded = await cli.run(['exec', 'life', '2', '--', 'hostname']);
    assert.equal(onAdded.code, 0, onAdded.stderr);

    const removed = await cli.run(['remove-machine', 'life', '1']);
    assert.equal(removed.code, 0, removed.stderr);
    assert.match(removed.stdout, /Removed machine 1/);
    const after = finalResult(await cli.run(['status', 'life', '--json']))['result'] as { machines: MachineJson[] };
    assert.deepEqual(after.machines.map((m) => m.id), ['0', '2']);

    const unconfirmed = await cli.run(['destroy', 'life']);
    assert.equal(unconfirmed.code, 2);
    assert.match(unconfirmed.stderr, /standard input is not a terminal.*pass --yes/);
    assert.equal((await cli.run(['status', 'life'])).code, 0, 'nothing was destroyed without --yes');

    const destroyed = await cli.run(['destroy', 'life', '--yes', '--json']);
    assert.equal(destroyed.code, 0, destroyed.stderr);
    const gone = finalResult(destroyed)['result'] as { destroyed: boolean; stoppedInstances: string[] };
    assert.equal(gone.destroyed, true);
    assert.equal(gone.stoppedInstances.length, 2);
    assert.deepEqual(await leftovers(cli), { processes: [], files: [] });
    const listed = finalResult(await cli.run(['environments', '--json']))['result'] as { environments: { name: string; uuid: string | null }[] };
    assert.deepEqual(listed.environments.map((e) => [e.name, e.uuid]), [['life', null]], 'defined, but no longer bootstrapped');
    const again = await cli.run(['destroy', 'life', '--yes']);
    assert.equal(again.code, 0, 'destroy is idempotent');
    assert.match(again.stdout, /nothing to destroy/);
  });

  it('bootstraps an environment no config defines on the local provider, as the quick start does', async (t) => {
    if (!(await requireLocalMachines(t))) return;
    const cli = await cliHome('envboot-cli-quick-');
    destroyLeftovers(cli);
    const log = path.join(cli.home, 'debug.log');
    const boot = await cli.run(['--log-file', log, 'bootstrap', 'demo']);
    assert.equal(boot.code, 0, boot.stderr);
    const logged = await readFile(log, 'utf8');
    assert.match(logged, /debug phase\.finished .*"phase":"wait-ssh"/);
    assert.equal((await stat(log)).mode & 0o777, 0o600);
    const key = await readFile(path.join(cli.environmentDir('demo'), 'client-key'), 'utf8');
    const keyBody = key.split('\n').slice(1, 3).join('');
    assert.ok(!logged.includes('PRIVATE KEY') && !logged.includes(keyBody), 'the client key never reaches the log');
    assert.match(boot.stdout, /Bootstrapped environment "demo" on local/);
    assert.match(boot.stderr, /Waiting for SSH and the nonce: done/i);
    const listed = await cli.run(['environments']);
    assert.match(listed.stdout, /^demo\s+local\s+bootstrapped\s+1\s+local record only$/m);
    const again = await cli.run(['bootstrap', 'demo']);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /already bootstrapped; "envboot status demo" shows it/);
    assert.equal((await cli.run(['destroy', 'demo', '--yes'])).code, 0);
    assert.deepEqual(await leftovers(cli), { processes: [], files: [] });
  });
});

/** The command lines of the processes running on machine 0, read from its /proc through exec. */
async function remoteCommandLines(cli: CliHome, environment: string): Promise<string[]> {
  const listed = await cli.run(['exec', environment, '0', '--', 'for p in /proc/[0-9]*; do tr "\\0" " " < $p/cmdline 2>/dev/null; echo; done']);
  return listed.stdout.split('\n').filter((line) => line.trim() !== '');
}
