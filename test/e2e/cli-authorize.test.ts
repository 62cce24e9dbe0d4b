import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { connectSsh, generateSshKeyPair, parseClientPublicKey } from '../../src/index.js';
import { cliHome, finalResult, type CliHome } from '../src/cli/cli-harness.js';
import { holderPid } from '../providers/local/fixtures.js';
import { destroyLeftovers, requireLocalMachines } from './cli-fixtures.js';

interface ClientsJson {
  clients: { label: string; fingerprint: string; thisClient: boolean }[];
  listed: boolean;
}

/**
 * Logs in to a machine with `privateKey` as `user`, the machine's host key pinned from
 * the environment's known_hosts, and runs `id -un`: what another client's `ssh -i` does.
 */
async function loginAs(cli: CliHome, params: { environment: string; machineId: string; privateKey: string; user?: string }): Promise<string> {
  const status = await cli.run(['status', params.environment, '--json']);
  assert.equal(status.code, 0, status.stderr);
  const machines = (finalResult(status)['result'] as { machines: { id: string; addresses: { value: string; port?: number }[] }[] }).machines;
  const address = machines.find((m) => m.id === params.machineId)?.addresses[0] ?? assert.fail(`machine ${params.machineId} has no address`);
  const alias = `envboot-${params.environment}-machine-${params.machineId} `;
  const knownHosts = await readFile(path.join(cli.environmentDir(params.environment), 'known_hosts'), 'utf8');
  const hostKeys = knownHosts.split('\n').filter((line) => line.startsWith(alias)).map((line) => line.slice(alias.length));
  assert.ok(hostKeys.length > 0, 'the machine has a pinned host key');
  const connection = await connectSsh({ host: address.value, port: address.port ?? 22, user: params.user ?? 'root', privateKey: params.privateKey, hostKeys });
  try {
    return (await connection.exec({ command: 'id -un' })).stdout.toString('utf8').trim();
  } finally {
    connection.close();
  }
}

/** Every object of a local environment's storage, by file name: what must not change. */
async function storedObjects(cli: CliHome, environment: string): Promise<Record<string, string>> {
  const dir = path.join(cli.environmentDir(environment), 'provider', 'storage', 'objects');
  const names = (await readdir(dir, { recursive: true })).map(String).sort();
  const objects: Record<string, string> = {};
  for (const name of names) objects[name] = await readFile(path.join(dir, name), 'utf8').catch(() => '(a directory)');
  return objects;
}

async function clients(cli: CliHome, environment: string): Promise<ClientsJson> {
  const listed = await cli.run(['clients', environment, '--json']);
  assert.equal(listed.code, 0, listed.stderr);
  return finalResult(listed)['result'] as ClientsJson;
}

describe('authorize, revoke and rotate-client-key on the local provider', () => {
  it('lets a key in on every machine, machines added later included; revokes it; rotates this client\'s key so the old one is refused', async (t) => {
    if (!(await requireLocalMachines(t))) return;
    const cli = await cliHome('envboot-cli-authorize-');
    destroyLeftovers(cli);
    const boot = await cli.run(['bootstrap', 'demo', '--json']);
    assert.equal(boot.code, 0, boot.stderr + boot.stdout);
    const envDir = cli.environmentDir('demo');
    const tester = generateSshKeyPair({ comment: 'tester@ci' });
    const testerFile = await cli.write('tester.pub', `${tester.publicKey}\n`);
    const at = (machineId: string, privateKey: string): Promise<string> => loginAs(cli, { environment: 'demo', machineId, privateKey });

    const before = await clients(cli, 'demo');
    assert.deepEqual(before.clients.map((c) => [c.label, c.thisClient]), [['envboot-demo', true]]);
    assert.equal(before.listed, true, "bootstrap's claim lists the bootstrapping key, so a machine another client adds still lets it in");
    await assert.rejects(at('0', tester.privateKey), { code: 'SSH_AUTH_REFUSED' });

    const authorized = await cli.run(['authorize', 'demo', testerFile, '--label', 'tester']);
    assert.equal(authorized.code, 0, authorized.stderr);
    assert.match(authorized.stdout, /^Authorized "tester" \(SHA256:\S+\) for environment "demo"\.\n {2}machine 0: key added$/m);
    assert.equal(await at('0', tester.privateKey), 'root');

    const again = await cli.run(['authorize', 'demo', tester.publicKey]);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /Already authorized: "tester".*\n {2}machine 0: already up to date/);
    const onMachine = await cli.run(['exec', 'demo', '0', '--', 'grep', '-c', tester.publicKey.split(' ')[1] ?? '-', '/root/.ssh/authorized_keys']);
    assert.equal(onMachine.stdout, '1\n', 'added once');
    const listed = await clients(cli, 'demo');
    assert.deepEqual(listed.clients.map((c) => [c.label, c.thisClient]), [['envboot-demo', true], ['tester', false]]);
    assert.equal(listed.clients[1]?.fingerprint, parseClientPublicKey(tester.publicKey).fingerprint);

    const added = await cli.run(['add-machine', 'demo', '--json']);
    assert.equal(added.code, 0, added.stderr + added.stdout);
    assert.equal(await at('1', tester.privateKey), 'root', 'a machine added later lets the authorized key in from its first boot');

    const ownPub = path.join(envDir, 'client-key.pub');
    const ownFingerprint = parseClientPublicKey(await readFile(ownPub, 'utf8')).fingerprint;
    for (const selector of [ownPub, ownFingerprint, 'envboot-demo']) {
      const refused = await cli.run(['revoke', 'demo', selector]);
      assert.equal(refused.code, 2, `${selector}: ${refused.stderr}`);
      assert.match(refused.stderr, /is this client's own key for "demo": run ".*rotate-client-key demo" to replace it, or revoke it from another authorized client\. Nothing was changed/);
    }

    const revoked = await cli.run(['revoke', 'demo', 'tester', '--json']);
    assert.equal(revoked.code, 0, revoked.stderr + revoked.stdout);
    const revokedJson = finalResult(revoked)['result'] as { machines: { id: string; removed: number }[] };
    assert.deepEqual(revokedJson.machines.map((m) => [m.id, m.removed]), [['0', 1], ['1', 1]]);
    await assert.rejects(at('0', tester.privateKey), { code: 'SSH_AUTH_REFUSED' });
    await assert.rejects(at('1', tester.privateKey), { code: 'SSH_AUTH_REFUSED' });
    assert.deepEqual((await clients(cli, 'demo')).clients.map((c) => c.label), ['envboot-demo']);

    // A rotation cut short before the switch (client-key.next made, nothing else): --undo takes it back out.
    const pending = generateSshKeyPair({ comment: 'envboot-demo' });
    const writePending = async (): Promise<void> => {
      await writeFile(path.join(envDir, 'client-key.next'), pending.privateKey, { mode: 0o600 });
      await writeFile(path.join(envDir, 'client-key.next.pub'), `${pending.publicKey}\n`);
    };
    await writePending();
    const undone = await cli.run(['rotate-client-key', 'demo', '--undo']);
    assert.equal(undone.code, 0, undone.stderr + undone.stdout);
    assert.match(undone.stdout, /Undid the pending rotation of "demo": the client key stays SHA256:/);
    assert.equal(existsSync(path.join(envDir, 'client-key.next')), false);
    assert.equal((await cli.run(['exec', 'demo', '0', '--', 'true'])).code, 0);

    // Cut short again: the next run goes on with the same new key.
    await writePending();
    const oldKey = await readFile(path.join(envDir, 'client-key'), 'utf8');
    const oldPub = await readFile(path.join(envDir, 'client-key.pub'), 'utf8');
    const rotated = await cli.run(['rotate-client-key', 'demo']);
    assert.equal(rotated.code, 0, rotated.stderr + rotated.stdout);
    assert.match(rotated.stdout, /machine 1: the new key logs in[\s\S]*Rotated the client key of "demo": SHA256:\S+ → SHA256:\S+\./);
    assert.match(rotated.stdout, /Going on with the new key an earlier run made/);
    const newKey = await readFile(path.join(envDir, 'client-key'), 'utf8');
    assert.equal(newKey, pending.privateKey, 'the pending key became the client key');
    assert.equal((await stat(path.join(envDir, 'client-key'))).mode & 0o777, 0o600);
    for (const left of ['client-key.next', 'client-key.next.pub', 'client-key.previous', 'client-key.previous.pub']) assert.equal(existsSync(path.join(envDir, left)), false, left);
    for (const machineId of ['0', '1']) {
      const exec = await cli.run(['exec', 'demo', machineId, '--', 'true']);
      assert.equal(exec.code, 0, exec.stderr);
      await assert.rejects(at(machineId, oldKey), { code: 'SSH_AUTH_REFUSED' }, `the old key is refused on machine ${machineId}`);
      assert.equal(await at(machineId, newKey), 'root');
    }
    const after = await clients(cli, 'demo');
    assert.deepEqual(after.clients.map((c) => [c.label, c.thisClient]), [['envboot-demo', true]]);
    assert.equal(after.clients[0]?.fingerprint, parseClientPublicKey(await readFile(path.join(envDir, 'client-key.pub'), 'utf8')).fingerprint);

    // Cut short after the switch (client-key.previous kept, the old key still on machine 0): the next run finishes the removal.
    const oldPublic = parseClientPublicKey(oldPub);
    const putBack = await cli.run(['exec', 'demo', '0', '--', `echo '${oldPublic.key} envboot-demo' >> /root/.ssh/authorized_keys`]);
    assert.equal(putBack.code, 0, putBack.stderr);
    await writeFile(path.join(envDir, 'client-key.previous'), oldKey, { mode: 0o600 });
    assert.equal(await at('0', oldKey), 'root');
    const finished = await cli.run(['rotate-client-key', 'demo']);
    assert.equal(finished.code, 0, finished.stderr + finished.stdout);
    assert.match(finished.stdout, /Finishing the rotation an earlier run left half-way[\s\S]*machine 0: key removed\n {2}machine 1: already up to date/);
    await assert.rejects(at('0', oldKey), { code: 'SSH_AUTH_REFUSED' });
    assert.equal(existsSync(path.join(envDir, 'client-key.previous')), false);
    assert.equal(await readFile(path.join(envDir, 'client-key'), 'utf8'), newKey, 'finishing made no new key');

    // Killed inside the switch (the current key kept as client-key.previous, client-key.next not yet in its place):
    // client-key.previous is no old key to remove; --undo takes the pending key out and forgets both.
    const midSwitch = generateSshKeyPair({ comment: 'envboot-demo' });
    await writeFile(path.join(envDir, 'client-key.previous'), newKey, { mode: 0o600 });
    await writeFile(path.join(envDir, 'client-key.next'), midSwitch.privateKey, { mode: 0o600 });
    await writeFile(path.join(envDir, 'client-key.next.pub'), `${midSwitch.publicKey}\n`);
    const undoneMidSwitch = await cli.run(['rotate-client-key', 'demo', '--undo']);
    assert.equal(undoneMidSwitch.code, 0, undoneMidSwitch.stderr + undoneMidSwitch.stdout);
    for (const left of ['client-key.next', 'client-key.previous']) assert.equal(existsSync(path.join(envDir, left)), false, left);
    assert.equal(await readFile(path.join(envDir, 'client-key'), 'utf8'), newKey);
    assert.equal(await at('0', newKey), 'root', 'the client key still logs in');

    // A machine that cannot be reached is named, the others still get the key, and the exit status is 1.
    const instances = (finalResult(await cli.run(['status', 'demo', '--json']))['result'] as { machines: { id: string; instanceId: string }[] }).machines;
    const instance1 = instances.find((m) => m.id === '1')?.instanceId ?? assert.fail('machine 1 is listed');
    process.kill(await holderPid(path.join(envDir, 'provider'), instance1), 'SIGKILL');
    const partly = await cli.run(['authorize', 'demo', testerFile]);
    assert.equal(partly.code, 1, partly.stderr + partly.stdout);
    assert.match(partly.stdout, /machine 0: key added\n {2}machine 1: /);
    assert.match(partly.stderr, /the key is recorded in provider-state .* but machine 1 could not be reached; run ".*authorize demo" with the same key again once it is reachable/);
    assert.equal(await at('0', tester.privateKey), 'root');
  });

  it('refuses bad keys, unknown environments and a rotation undo with nothing pending: exit 2, the message names the problem, nothing changed', async (t) => {
    if (!(await requireLocalMachines(t))) return;
    const cli = await cliHome('envboot-cli-authorize-bad-');
    destroyLeftovers(cli);
    const boot = await cli.run(['bootstrap', 'bad', '--json']);
    assert.equal(boot.code, 0, boot.stderr + boot.stdout);
    const key = generateSshKeyPair({ comment: 'k' });
    const privateFile = await cli.write('id_ed25519', key.privateKey);
    const stateBefore = await storedObjects(cli, 'bad');
    assert.ok(Object.keys(stateBefore).some((name) => name.startsWith('provider-state')), 'provider-state is among the stored objects');
    const keysBefore = await cli.run(['exec', 'bad', '0', '--', 'cat', '/root/.ssh/authorized_keys']);
    const cases: [string[], RegExp][] = [
      [['authorize', 'bad', privateFile], /the key is a private key; give the \.pub/],
      [['authorize', 'bad', '--', key.privateKey], /argument 4 is a private key; envboot never takes one on the command line/],
      [['authorize', 'bad', `command="/bin/sh" ${key.publicKey}`], /authorized_keys options .*give the bare key line/],
      [['authorize', 'bad', 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAA broken'], /not a valid ssh-ed25519 public key/],
      [['authorize', 'bad', path.join(cli.home, 'missing.pub')], /neither an OpenSSH public key line nor a file that can be read/],
      [['authorize', 'bad', key.publicKey, '--label', 'two words'], /the label "two words" is not usable/],
      [['authorize', 'nosuch', key.publicKey], /unknown environment "nosuch"/],
      [['revoke', 'bad', 'nobody'], /no authorized key matches "nobody" .*Nothing was changed/],
      [['revoke', 'nosuch', 'nobody'], /unknown environment "nosuch"/],
      [['rotate-client-key', 'bad', '--undo'], /no rotation of "bad" is pending/],
      [['clients', 'nosuch'], /unknown environment "nosuch"/],
    ];
    for (const [args, says] of cases) {
      const run = await cli.run(args);
      assert.equal(run.code, 2, `${args.join(' ')}: ${run.stderr}`);
      assert.match(run.stderr, says, args.join(' '));
      assert.ok(!run.stderr.includes(key.privateKey.split('\n')[1] ?? '-'), 'no private key in the message');
    }
    assert.deepEqual(await storedObjects(cli, 'bad'), stateBefore, 'provider-state unchanged');
    const keysAfter = await cli.run(['exec', 'bad', '0', '--', 'cat', '/root/.ssh/authorized_keys']);
    assert.equal(keysAfter.stdout, keysBefore.stdout, "the machine's authorized_keys unchanged");
    assert.deepEqual(cli.environmentDirs(), ['bad'], 'no environment was created');
  });
});
