import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { cliHome, finalResult, type CliRun } from '../src/cli/cli-harness.js';
import { destroyLeftovers, leftovers, requireLocalMachines } from './cli-fixtures.js';

interface AttachJson {
  environment: { name: string; uuid: string; provider: string };
  providerState: string;
  refreshed: boolean;
  machines: string[];
  clientKey: { file: string; publicKey: string };
  authorized: boolean;
  authorizeCommand: string | null;
}

/** The key line inside the `envboot authorize ENV '…'` command a refusal or attach prints: what the operator copies. */
function printedKey(text: string, environment: string): string {
  const match = new RegExp(`envboot authorize ${environment} '([^']+)'`).exec(text);
  assert.ok(match?.[1] !== undefined, `no authorize command in: ${text}`);
  return match[1];
}

function assertRefused(run: CliRun, environment: string, publicKey: string): void {
  assert.equal(run.code, 1, run.stderr);
  assert.match(run.stderr, /refused this client's key: this client attached the environment and is not authorized/);
  assert.equal(printedKey(run.stderr, environment), publicKey, 'the refusal names the command that lets this very key in');
}

/** provider-state of a local environment, as its FilesystemStorage keeps it. */
function stateFile(environmentDir: string): string {
  return path.join(environmentDir, 'provider', 'storage', 'objects', 'provider-state%');
}

describe('envboot attach: two clients share a local environment without copying a private key', () => {
  it('attaches, is refused until authorized, reaches every machine once authorized (later ones too), is refused again once revoked, and destroys for everyone', async (t) => {
    if (!(await requireLocalMachines(t))) return;
    const a = await cliHome('envboot-attach-a-');
    const b = await cliHome('envboot-attach-b-');
    destroyLeftovers(b);
    destroyLeftovers(a);
    const boot = await a.run(['bootstrap', 'shared', '--json']);
    assert.equal(boot.code, 0, boot.stderr + boot.stdout);
    const uuid = (finalResult(boot)['result'] as { environment: { uuid: string } }).environment.uuid;
    const aDir = a.environmentDir('shared');

    const attached = await b.run(['attach', 'shared', '--provider', 'local', '--data-dir', aDir, '--label', 'second-client', '--json']);
    assert.equal(attached.code, 0, attached.stderr + attached.stdout);
    const result = finalResult(attached)['result'] as AttachJson;
    const bDir = b.environmentDir('shared');
    const publicKey = (await readFile(path.join(bDir, 'client-key.pub'), 'utf8')).trim();
    assert.deepEqual(result.environment, { name: 'shared', uuid, provider: 'local' });
    assert.deepEqual([result.machines, result.authorized, result.refreshed], [['0'], false, false]);
    assert.equal(result.clientKey.publicKey, publicKey);
    assert.match(publicKey, /^ssh-ed25519 AAAA\S+ second-client$/);
    assert.equal(printedKey(result.authorizeCommand ?? '', 'shared'), publicKey);
    assert.equal((await stat(path.join(bDir, 'client-key'))).mode & 0o777, 0o600);
    assert.notEqual(publicKey, (await readFile(path.join(aDir, 'client-key.pub'), 'utf8')).trim(), 'a key of its own, not a copy');
    const pinned = await readFile(path.join(bDir, 'known_hosts'), 'utf8');
    assert.match(pinned, /^envboot-shared-machine-0 ssh-ed25519 AAAA\S+$/m);
    assert.equal(pinned, await readFile(path.join(aDir, 'known_hosts'), 'utf8'), 'host keys pinned from provider-state, as the bootstrapping client has them');
    const text = await b.run(['attach', 'shared', '--provider', 'local', '--data-dir', aDir]);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /^Attached again: shared \(provider local, UUID /m);
    assert.equal(printedKey(text.stdout, 'shared'), publicKey, 'attaching again keeps the key');

    const listed = await b.run(['environments']);
    assert.match(listed.stdout, /^shared\s+local\s+bootstrapped\s+1\s+attached \(local record\)$/m);
    const status = await b.run(['status', 'shared', '--json']);
    assert.equal(status.code, 0, status.stderr);
    const shown = finalResult(status)['result'] as { environment: { uuid: string }; machines: { id: string; status: string }[] };
    assert.equal(shown.environment.uuid, uuid);
    assert.deepEqual(shown.machines.map((m) => [m.id, m.status]), [['0', 'running']]);

    assertRefused(await b.run(['exec', 'shared', '0', '--', 'hostname']), 'shared', publicKey);
    // Every command that logs in says the same: logs (its SSH part), logs -f and configure.
    const cloudConfig = await b.write('again.yaml', '#cloud-config\nwrite_files: [{path: /etc/again, content: "1"}]\n');
    for (const args of [['logs', 'shared', '0', '--configure'], ['logs', 'shared', '0', '--follow'], ['configure', 'shared', '0', '--cloud-config', cloudConfig]]) {
      const refused = await b.run(args);
      assert.notEqual(refused.code, 0, args.join(' '));
      assert.equal(printedKey(refused.stdout + refused.stderr, 'shared'), publicKey, `${args.join(' ')} names the authorize command: ${refused.stderr}`);
    }
    // Not authorized, B cannot change who may log in (not even let itself in): exit 2, provider-state as it was.
    const listBefore = await readFile(stateFile(aDir), 'utf8');
    for (const args of [['authorize', 'shared', path.join(bDir, 'client-key.pub')], ['revoke', 'shared', 'envboot-shared'], ['rotate-client-key', 'shared']]) {
      const refused = await b.run(args);
      assert.equal(refused.code, 2, `${args.join(' ')}: ${refused.stderr}`);
      assert.match(refused.stderr, /this client's key \(SHA256:\S+\) is not authorized for "shared", so it cannot .*: an operator whose client is authorized lets it in first with: .*authorize shared '/);
    }
    assert.equal(await readFile(stateFile(aDir), 'utf8'), listBefore, 'provider-state unchanged');
    assert.equal(existsSync(path.join(bDir, 'client-key.next')), false, 'no rotation started');
    // Not yet authorized, B can still start machines (it has the provider's access): the
    // bootstrapping client's key, listed in provider-state since the claim, lets A in there.
    const addedByB = await b.run(['add-machine', 'shared']);
    assert.equal(addedByB.code, 0, addedByB.stderr);
    assert.equal((await a.run(['exec', 'shared', '1', '--', 'true'])).code, 0, 'a machine B added before any authorize lets A in');
    const authorized = await a.run(['authorize', 'shared', printedKey(text.stdout, 'shared')]);
    assert.equal(authorized.code, 0, authorized.stderr + authorized.stdout);
    const onController = await b.run(['exec', 'shared', '0', '--', 'echo from-b']);
    assert.deepEqual([onController.code, onController.stdout], [0, 'from-b\n'], onController.stderr);
    assert.equal((await a.run(['exec', 'shared', '0', '--', 'true'])).code, 0, 'the bootstrapping client still gets in');
    const reattached = finalResult(await b.run(['attach', 'shared', '--provider', 'local', '--data-dir', aDir, '--json']))['result'] as AttachJson;
    assert.deepEqual([reattached.authorized, reattached.authorizeCommand], [true, null], 'attach tells an authorized client so');

    // The pin is provider-state's: a machine presenting another host key than the one recorded is refused.
    const state = await readFile(stateFile(aDir), 'utf8');
    const [hostKey] = /ssh-ed25519 AAAA\S+ envboot-machine-0/.exec(state) ?? [];
    assert.ok(hostKey !== undefined);
    await writeFile(stateFile(aDir), state.replace(hostKey, publicKey));
    try {
      const mismatch = await b.run(['exec', 'shared', '0', '--', 'true']);
      assert.equal(mismatch.code, 1);
      assert.match(mismatch.stderr, /host key/i);
    } finally {
      await writeFile(stateFile(aDir), state);
    }

    const added = await a.run(['add-machine', 'shared']);
    assert.equal(added.code, 0, added.stderr);
    const onAdded = await b.run(['exec', 'shared', '2', '--', 'echo on-2']);
    assert.deepEqual([onAdded.code, onAdded.stdout], [0, 'on-2\n'], `a machine added later gets the authorized key: ${onAdded.stderr}`);

    const revoked = await a.run(['revoke', 'shared', 'second-client']);
    assert.equal(revoked.code, 0, revoked.stderr + revoked.stdout);
    assertRefused(await b.run(['exec', 'shared', '0', '--', 'true']), 'shared', publicKey);
    assertRefused(await b.run(['exec', 'shared', '2', '--', 'true']), 'shared', publicKey);
    assert.equal((await a.run(['exec', 'shared', '2', '--', 'true'])).code, 0);

    // Destroying from the attached client destroys the environment for everyone.
    const destroyed = await b.run(['destroy', 'shared', '--yes']);
    assert.equal(destroyed.code, 0, destroyed.stderr);
    assert.deepEqual(b.environmentDirs(), []);
    const gone = await a.run(['status', 'shared']);
    assert.match(gone.stdout, /provider-state: missing from /);
    assert.equal((await a.run(['destroy', 'shared', '--yes'])).code, 0);
    assert.deepEqual(await leftovers(a), { processes: [], files: [] });
    assert.deepEqual(await leftovers(b), { processes: [], files: [] });
  });

  it('refuses bad input with exit 2, saying what to do, and writes nothing on this client', async (t) => {
    if (!(await requireLocalMachines(t))) return;
    const a = await cliHome('envboot-attach-a-');
    const b = await cliHome('envboot-attach-b-');
    destroyLeftovers(a);
    const boot = await a.run(['bootstrap', 'shared']);
    assert.equal(boot.code, 0, boot.stderr);
    const aDir = a.environmentDir('shared');
    const empty = path.join(b.home, 'empty');
    await mkdir(empty);
    const refusals: [string[], RegExp][] = [
      [['attach', 'shared'], /name the provider environment "shared" lives on: e\.g\. "envboot attach shared --provider ec2/],
      [['attach', 'shared', '--provider', 'nosuch', '--data-dir', aDir], /unknown provider "nosuch"/],
      [['attach', 'shared', '--provider', 'local'], /keeps provider-state on this host.*give that client's environment directory with --data-dir/],
      [['attach', 'shared', '--provider', 'local', '--data-dir', empty], /no environment found at .*empty: it holds no provider-state.*give --data-dir the environment directory/],
      [['attach', 'shared', '--provider', 'local', '--data-dir', aDir, '--option', 'zones=[]'], /zones/],
      [['attach', 'shared', '--provider', 'local', '--data-dir', aDir, '--option', 'zones'], /"zones" is not KEY=VALUE/],
      [['attach', 'shared', '--provider', 'local', '--data-dir', aDir, '--region', 'x'], /unknown key for the local provider/],
      [['attach', 'shared', '--provider', 'local', '--data-dir', aDir, '--label', 'two words'], /the label "two words" is not usable/],
      [['attach', 'other', '--provider', 'local', '--data-dir', aDir], /the environment at .* is named "shared", not "other": attach it by its own name/],
      [['attach', 'Bad', '--provider', 'local', '--data-dir', aDir], /environment name "Bad" is invalid/],
    ];
    for (const [args, message] of refusals) {
      const run = await b.run(args);
      assert.equal(run.code, 2, `${args.join(' ')}: ${run.stderr}`);
      assert.match(run.stderr, message, args.join(' '));
      assert.deepEqual(b.environmentDirs(), [], `${args.join(' ')} wrote nothing`);
    }

    // provider-state naming a UUID envboot never writes (an ec2 filter would take `*` for every environment) is not used.
    const goodState = await readFile(stateFile(aDir), 'utf8');
    const badState = goodState.replace(/^(\s+uuid: ).+$/m, "$1'*'");
    assert.notEqual(badState, goodState, 'the UUID was replaced');
    await writeFile(stateFile(aDir), badState);
    try {
      const run = await b.run(['attach', 'shared', '--provider', 'local', '--data-dir', aDir]);
      assert.equal(run.code, 2, run.stderr);
      assert.match(run.stderr, /names the environment UUID "\*", which envboot never writes/);
      assert.deepEqual(b.environmentDirs(), [], 'nothing written');
    } finally {
      await writeFile(stateFile(aDir), goodState);
    }

    // A definition of the name on another provider, and a name this client knows as another environment.
    await b.write('environments.yaml', 'environments:\n  shared:\n    provider: manual\n');
    const defined = await b.run(['attach', 'shared', '--provider', 'local', '--data-dir', aDir]);
    assert.equal(defined.code, 2);
    assert.match(defined.stderr, /is defined in .*environments\.yaml on provider "manual", not "local"; drop --provider, or fix the entry/);
    await b.write('environments.yaml', 'environments: {}\n');
    const record = { name: 'shared', uuid: '11111111-2222-4333-8444-555555555555', provider: 'local', createdAt: new Date().toISOString() };
    await b.write('data/environments/shared/environment.json', JSON.stringify(record));
    const taken = await b.run(['attach', 'shared', '--provider', 'local', '--data-dir', aDir]);
    assert.equal(taken.code, 2);
    assert.match(taken.stderr, /already known on this client as another environment \(UUID 11111111-.*destroy this client's "shared" first/);
    assert.deepEqual((await leftovers(b)).files, ['shared', 'shared/environment.json'], 'no key, no known_hosts, the record as it was');
    assert.deepEqual(JSON.parse(await readFile(path.join(b.environmentDir('shared'), 'environment.json'), 'utf8')), record);
    assert.ok(existsSync(stateFile(aDir)), "the other client's environment is untouched");

    // Once attached, an environments.yaml entry that disagrees is refused, naming both.
    const fresh = await cliHome('envboot-attach-c-');
    assert.equal((await fresh.run(['attach', 'shared', '--provider', 'local', '--data-dir', aDir])).code, 0);
    await fresh.write('environments.yaml', 'environments:\n  shared:\n    provider: manual\n');
    const disagrees = await fresh.run(['status', 'shared']);
    assert.equal(disagrees.code, 2, disagrees.stderr);
    assert.match(disagrees.stderr, /"shared" was attached on provider "local" but .*environments\.yaml defines it on "manual"/);
  });
});
