import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cliHome, collect, jsonLines, type CliHome } from '../src/cli/cli-harness.js';

/** envboot's fake provider and storage, built with the tests. */
const testingModule = new URL('../../src/testing/index.js', import.meta.url).href;
const storageModule = new URL('../../storage/index.js', import.meta.url).href;

// A cloud on which only the controller boots and no instance will stop: every clean-up
// after a failed boot leaves its instance. provider-state is kept in files (so that a
// later command finds it); the machines live in the envboot process and end with it, so
// nothing outlives the test.
const brokenCloud = `
import { createFakeProvider } from ${JSON.stringify(testingModule)};
import { FilesystemStorage } from ${JSON.stringify(storageModule)};
const fake = createFakeProvider({ storage: new FilesystemStorage({ root: new URL('../fake-cloud-storage', import.meta.url).pathname }) });
export const provider = {
  ...fake.provider,
  name: 'broken',
  open: async (params) => {
    const environ = await fake.provider.open(params);
    const start = environ.startInstance.bind(environ);
    environ.startInstance = (request) => {
      environ.faults.failBoot = request.machineId !== '0' || process.env.BROKEN_CONTROLLER === '1';
      return start(request);
    };
    environ.stopInstances = async ({ ids }) => {
      throw new Error('the fake cloud refused to stop ' + ids.join(', ') + ' (injected fault)');
    };
    return environ;
  },
};
`;

async function brokenHome(): Promise<CliHome> {
  const cli = await cliHome('envboot-cli-failed-cleanup-');
  await cli.write('providers/broken.mjs', brokenCloud);
  await cli.write('environments.yaml', 'environments:\n  broken:\n    provider: ./providers/broken.mjs\n');
  return cli;
}

describe('a clean-up that fails', () => {
  it('is marked failed, not done, and the summary says what was not cleaned up and what to run', async () => {
    const cli = await brokenHome();
    const run = await cli.run(['bootstrap', 'broken'], { env: { BROKEN_CONTROLLER: '1' } });
    assert.equal(run.code, 1, run.stderr);
    const lines = run.stderr.split('\n').map((line) => line.replace(/^\[[^\]]+\] /, ''));
    assert.ok(lines.some((line) => /^machine 0: cleaning up: failed \(\S+\): could not remove instance \S+$/.test(line)), run.stderr);
    assert.ok(!lines.some((line) => /^machine 0: cleaning up: done/.test(line)), 'the failed clean-up is not marked done');
    assert.ok(lines.some((line) => /^error: could not remove instance \S+: the fake cloud refused to stop/.test(line)), run.stderr);
    assert.match(run.stderr, /error: Not cleaned up: instance \S+ \(the fake cloud refused to stop \S+ \(injected fault\)\)\. "envboot destroy broken" removes everything the environment owns\./);
    assert.doesNotMatch(run.stderr, /Removed what this run created/);
  });

  it('after add-machine, names the machines left and the remove-machine command that removes them, in --json too', async () => {
    const cli = await brokenHome();
    // The controller's SSH server lives in the bootstrap's process and keeps it running: once provider-state records the bootstrap, it has done its part.
    const bootstrap = cli.start(['bootstrap', 'broken']);
    const done = collect(bootstrap);
    await new Promise<void>((resolve) => {
      let out = '';
      bootstrap.stdout?.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes('Bootstrapped environment "broken"')) resolve();
      });
      bootstrap.once('exit', () => { resolve(); });
    });
    bootstrap.kill('SIGKILL');
    assert.match((await done).stdout, /Bootstrapped environment "broken"/);
    const run = await cli.run(['add-machine', 'broken', '-n', '2', '--json']);
    assert.equal(run.code, 1, run.stdout);
    const events = jsonLines(run);
    for (const machine of ['1', '2']) {
      const ends = events.filter((e) => e['phase'] === 'cleanup' && e['machineId'] === machine).map((e) => e['type']);
      assert.deepEqual(ends, ['phase.started', 'phase.failed'], `machine ${machine}'s clean-up`);
      assert.ok(events.some((e) => e['type'] === 'cleanup.failed' && e['machineId'] === machine));
    }
    const summary = events.find((e) => e['type'] === 'notice' && String(e['message']).startsWith('Not cleaned up:'));
    assert.ok(summary !== undefined, JSON.stringify(events.filter((e) => e['type'] === 'notice')));
    assert.equal(summary['level'], 'error');
    assert.match(String(summary['message']), /"envboot remove-machine broken 1 2" removes them/);
  });
});
