import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, rm } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { randomUUID } from 'node:crypto';
import { FilesystemStorage } from '../../storage/index.js';
import { layoutFor, objectPath } from '../../storage/filesystem-layout.js';
import { S3Storage } from '../../storage/s3/index.js';
import { environmentTags, stateObjectName } from '../../src/index.js';
import { isRunning, processTree } from '../helpers/processes.js';
import { sdkEnvironment, startFakeAws } from '../providers/ec2/fixtures.js';
import { fakeS3Client } from '../storage/fixtures/open-s3-storage.js';
import { cliHome, finalResult, type CliHome, type CliRun } from '../src/cli/cli-harness.js';
import { destroyLeftovers, leftovers, requireLocalMachines } from './cli-fixtures.js';

interface Address {
  readonly value: string;
  readonly port: number;
}

/** A bootstrapped environment with one added machine, and what shows that it runs. */
interface Running {
  readonly uuid: string;
  readonly storageRoot: string;
  readonly instanceIds: readonly string[];
  readonly addresses: readonly Address[];
  /** The local agent and each machine's sandbox holder, with every process below them. */
  readonly pids: readonly number[];
}

async function bootstrapWithMachine(t: TestContext, cli: CliHome): Promise<Running> {
  destroyLeftovers(cli);
  const boot = await cli.run(['bootstrap', 'demo', '--json']);
  assert.equal(boot.code, 0, boot.stderr + boot.stdout);
  const uuid = (finalResult(boot)['result'] as { environment: { uuid: string } }).environment.uuid;
  const added = await cli.run(['add-machine', 'demo']);
  assert.equal(added.code, 0, added.stderr);
  const status = finalResult(await cli.run(['status', 'demo', '--json']))['result'] as {
    providerState: { location: string };
    machines: { instanceId: string; addresses: Address[] }[];
  };
  const pids = await environmentPids(cli);
  // Should destroy leave them, the test still ends them: it started them.
  t.after(() => {
    for (const pid of pids) if (isRunning(pid)) process.kill(pid, 'SIGKILL');
  });
  assert.ok(pids.length >= 3, `the agent and two machines run: ${pids.join(', ')}`);
  return {
    uuid,
    storageRoot: status.providerState.location.replace(/^filesystem storage /, ''),
    instanceIds: status.machines.map((m) => m.instanceId),
    addresses: status.machines.flatMap((m) => m.addresses),
    pids,
  };
}

/** The pids the local agent recorded: its own (agent.json) and each machine's holder (machine.json), with their descendants. */
async function environmentPids(cli: CliHome): Promise<number[]> {
  const dataDir = path.join(cli.environmentDir('demo'), 'provider');
  const agent = (JSON.parse(await readFile(path.join(dataDir, 'agent.json'), 'utf8')) as { pid: number }).pid;
  const holders: number[] = [];
  for (const id of await readdir(path.join(dataDir, 'machines'))) {
    const record = JSON.parse(await readFile(path.join(dataDir, 'machines', id, 'machine.json'), 'utf8')) as { holder?: { pid?: number } };
    if (typeof record.holder?.pid === 'number') holders.push(record.holder.pid);
  }
  assert.equal(holders.length, 2, 'each machine records the process that holds it');
  return [agent, ...holders].flatMap(processTree);
}

function refusesConnections(address: Address): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: address.value, port: address.port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => {
      resolve(error.code === 'ECONNREFUSED');
    });
  });
}

/** Nothing of the environment is left: no process, no listener, no file, no provider-state. */
async function assertNothingLeft(cli: CliHome, running: Running): Promise<void> {
  assert.deepEqual(running.pids.filter(isRunning), [], 'the agent and every machine process ended');
  for (const address of running.addresses) {
    assert.equal(await refusesConnections(address), true, `${address.value}:${address.port} refuses connections`);
  }
  assert.equal(existsSync(running.storageRoot), false, 'provider-state (the damaged object too) is gone');
  assert.deepEqual(await leftovers(cli), { processes: [], files: [] });
}

// eslint-disable-next-line no-control-regex -- finding control characters is the point
const controlBytes = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;

function assertPrintable(run: CliRun): void {
  assert.doesNotMatch(run.stdout + run.stderr, controlBytes, 'no ESC or other control byte reaches the terminal');
}

const escapes = '\u001b[2J\u001b[H\u001b]0;pwned\u0007';

/** What each damage does to the object, and the problem destroy's warning must name. */
const damages: { what: string; damage: (storageRoot: string) => Promise<void>; problem: RegExp }[] = [
  {
    what: 'bad YAML',
    damage: (root) => write(root, `state-instances: [local-1\nmachines: {${escapes}\n`),
    problem: /is corrupt: it is not valid YAML \([^)]* at line \d+, column \d+\)/,
  },
  {
    what: 'valid YAML of the wrong shape',
    damage: (root) => write(root, 'state-instances:\n  controller: local-1\nmachines: [0, 1]\n'),
    problem: /is corrupt: "state-instances" is not a list/,
  },
  {
    what: 'binary bytes with terminal escapes',
    damage: (root) => write(root, Buffer.concat([Buffer.from(escapes), Buffer.from([0xff, 0xfe, 0x00, 0x9b, 0x32, 0x4a])])),
    problem: /is corrupt: it is not UTF-8 text \(23 bytes\)/,
  },
  {
    what: 'nothing (an empty object)',
    damage: (root) => write(root, ''),
    problem: /is corrupt: it is empty/,
  },
  {
    what: 'a directory where the object was (a read error that is not "not found")',
    damage: async (root) => {
      const file = objectPath(layoutFor(root), stateObjectName);
      await rm(file);
      await mkdir(file);
    },
    problem: /: EISDIR\b/,
  },
];

async function write(root: string, body: string | Uint8Array): Promise<void> {
  await new FilesystemStorage({ root }).put({ key: stateObjectName, body });
}

describe('envboot destroy and status with a damaged or lost provider-state (local provider)', () => {
  for (const { what, damage, problem } of damages) {
    it(`destroy removes everything by tag when provider-state holds ${what}, and warns`, async (t) => {
      if (!(await requireLocalMachines(t))) return;
      const cli = await cliHome('envboot-cli-corrupt-');
      const running = await bootstrapWithMachine(t, cli);
      await damage(running.storageRoot);

      const status = await cli.run(['status', 'demo']);
      assert.equal(status.code, 1, status.stdout);
      assertPrintable(status);

      const destroyed = await cli.run(['destroy', 'demo', '--yes']);
      assert.equal(destroyed.code, 0, destroyed.stderr);
      assertPrintable(destroyed);
      const warning = destroyed.stderr.split('\n').find((line) => line.includes('warning: ')) ?? '';
      assert.match(warning, /(cannot read )?provider-state in filesystem storage \S+/);
      assert.match(warning, problem);
      assert.match(warning, new RegExp(`destroying every instance tagged as environment ${running.uuid} instead, and removing the object last$`));
      assert.match(destroyed.stdout, /Destroyed environment "demo" .*: 2 instance\(s\) stopped/);
      await assertNothingLeft(cli, running);
    });
  }

  it('status lists the tagged instances when provider-state is deleted, and destroy removes them', async (t) => {
    if (!(await requireLocalMachines(t))) return;
    const cli = await cliHome('envboot-cli-nostate-');
    const running = await bootstrapWithMachine(t, cli);
    await new FilesystemStorage({ root: running.storageRoot }).delete({ key: stateObjectName });

    const shown = await cli.run(['status', 'demo', '--json']);
    assert.equal(shown.code, 0, shown.stderr + shown.stdout);
    const result = finalResult(shown)['result'] as { providerState: { missing: boolean }; machines: unknown[]; unrecordedInstances: { instanceId: string }[] };
    assert.equal(result.providerState.missing, true);
    assert.deepEqual(result.machines, []);
    assert.deepEqual(result.unrecordedInstances.map((i) => i.instanceId).sort(), [...running.instanceIds].sort());
    const text = await cli.run(['status', 'demo']);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /^provider-state: missing from filesystem storage /m);
    for (const id of running.instanceIds) assert.match(text.stdout, new RegExp(`^${id}\\s+\\d\\s+running\\s`, 'm'));
    assert.match(text.stdout, /"envboot destroy demo" removes them all/);
    assert.match(await readFile(path.join(cli.environmentDir('demo'), 'known_hosts'), 'utf8'), /envboot-demo-machine-1 /, 'the pinned host keys were kept');

    const destroyed = await cli.run(['destroy', 'demo', '--yes']);
    assert.equal(destroyed.code, 0, destroyed.stderr);
    assert.match(destroyed.stdout, /: 2 instance\(s\) stopped/);
    await assertNothingLeft(cli, running);
  });

  it('cleanup keeps an environment whose provider-state is corrupt, names it without quoting the object, and goes on', async () => {
    const aws = await startFakeAws();
    const awsEnv = sdkEnvironment(aws);
    const bucket = 'envboot-corrupt-state';
    const seed = (name: string): { uuid: string; instance: string } => {
      const environment = { name, uuid: randomUUID() };
      const tags = { ...environmentTags(environment), 'envboot-provider-state': `s3://${bucket}/${name}/` };
      return { uuid: environment.uuid, instance: aws.ec2.addInstance({ tags }).id };
    };
    const damaged = seed('damaged');
    const gone = seed('gone');
    const storage = new S3Storage({ client: fakeS3Client(aws.s3.endpoint), bucket, prefix: 'damaged/', createBucket: true });
    await storage.put({ key: stateObjectName, body: `state-instances: [${escapes}\n` });
    const cli = await cliHome('envboot-cli-cleanup-');

    const run = await cli.run(['cleanup', '--provider', 'ec2', '--region', aws.ec2.region, '--yes'], { env: awsEnv });
    assert.equal(run.code, 0, run.stderr);
    assertPrintable(run);
    assert.match(
      run.stderr,
      new RegExp(`kept damaged \\(${damaged.uuid}\\): cannot read its provider-state at s3://${bucket}/damaged/: provider-state in \\S+ is corrupt: it is not valid YAML`),
    );
    assert.match(run.stderr, /"envboot destroy ENV" removes it by its ownership tag/);
    assert.equal(aws.ec2.instance(damaged.instance).state, 'running', 'an environment that may be in use is kept');
    assert.equal(aws.ec2.instance(gone.instance).state, 'terminated', 'the rest of the sweep went on');
  });
});
