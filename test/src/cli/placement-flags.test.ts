import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cliHome } from './cli-harness.js';

const manualFlags = ['--host <user@host[:port]>', '--identity <file>', '--host-key <key>', '--accept-new-host-key'];

describe('provider flags on the command line (the manual provider’s, declared by its descriptor)', { concurrency: 4 }, () => {
  it('lists them in the help of bootstrap and add-machine, however the help is asked for', async () => {
    const cli = await cliHome('envboot-cli-flags-help-');
    for (const args of [['bootstrap', '--help'], ['help', 'bootstrap'], ['add-machine', '--help'], ['help', 'add-machine']]) {
      const help = await cli.run(args);
      assert.equal(help.code, 0, help.stderr);
      assert.match(help.stdout, /\nProvider flags:\n/, args.join(' '));
      for (const flag of manualFlags) assert.match(help.stdout, new RegExp(`^ {2}${flag.replace(/[[\]]/g, '\\$&')} +manual provider: `, 'm'), `${args.join(' ')}: ${flag}`);
    }
    const wrapped = (await cli.run(['help', 'add-machine'])).stdout.replace(/\s+/g, ' ');
    assert.match(wrapped, /--host <user@host\[:port\]> manual provider: an existing host to enrol \(repeat for several; one machine each\)/);
    const unknown = await cli.run(['help', 'frobnicate']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /unknown command 'frobnicate'/);
  });

  it('refuses a manual flag on a local environment with exit 2, naming the flags and the provider that takes them, before anything is created', async () => {
    const cli = await cliHome('envboot-cli-flags-local-');
    await cli.write('environments.yaml', 'environments:\n  loc: {provider: local}\n');
    const says = (name: string): RegExp =>
      new RegExp(`^Error: flags that are for the manual provider \\(--host, --identity\\) do not apply to environment "${name}": it is on the local provider, which takes no provider flags`, 'm');
    const boot = await cli.run(['bootstrap', 'demo', '--host', 'root@127.0.0.1', '--identity', '/nonexistent/key']);
    assert.equal(boot.code, 2, boot.stderr);
    assert.match(boot.stderr, says('demo'));
    const add = await cli.run(['add-machine', 'loc', '--identity', '/nonexistent/key', '--host', 'root@127.0.0.1']);
    assert.equal(add.code, 2, add.stderr);
    assert.match(add.stderr, says('loc'));
    assert.deepEqual(cli.environmentDirs(), []);
  });

  it('refuses what the manual provider cannot take: a flag it needs, a second value, two controllers, a count the hosts contradict', async () => {
    const cli = await cliHome('envboot-cli-flags-manual-');
    await cli.write('environments.yaml', 'environments:\n  man: {provider: manual}\n');
    const cases: [string[], RegExp][] = [
      [['bootstrap', 'man'], /^Error: the manual provider bootstraps onto an existing host: name it with --host user@host\[:port\]$/m],
      [['add-machine', 'man'], /^Error: the manual provider enrols existing hosts: name each with --host user@host\[:port\]$/m],
      [['bootstrap', 'man', '--host', 'a@h1', '--identity', 'k1', '--identity', 'k2'], /^Error: --identity is given 2 times; the manual provider takes one$/m],
      [['bootstrap', 'man', '--host', 'a@h1', '--host', 'a@h2'], /bootstrap starts one machine, the controller, but the flags name 2 \(a@h1:22, a@h2:22\): give one/],
      [['bootstrap', 'man', '--host', 'a@h1,a@h2'], /the flags name 2 \(a@h1:22, a@h2:22\)/],
      [['add-machine', 'man', '-n', '2', '--host', 'a@h1', '--host', 'a@h2', '--host', 'a@h3'], /-n 2 does not match the 3 machines the flags name \(--host\): each is one machine; drop -n/],
      [
        ['bootstrap', 'man', '--host', 'root@@bad', '--host', 'a@h2', '--host-key', 'not a key'],
        /the flags for the manual provider have 3 problems:\n {2}- --host: invalid host "root@@bad"[^\n]*\n {2}- --host-key pins the key of one host[^\n]*\n {2}- --host-key must be an OpenSSH public key line/,
      ],
    ];
    for (const [args, says] of cases) {
      const run = await cli.run(args);
      assert.equal(run.code, 2, `${args.join(' ')}: ${run.stderr}`);
      assert.match(run.stderr, says, args.join(' '));
    }
    assert.deepEqual(cli.environmentDirs(), []);
  });
});
