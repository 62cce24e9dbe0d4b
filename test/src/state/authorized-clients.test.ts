import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MemoryStorage } from '../../../storage/index.js';
import {
  authorizeClient,
  authorizedClients,
  findAuthorizedClient,
  generateSshKeyPair,
  loadState,
  machineKeyLine,
  machineKeyLines,
  parseClientPublicKey,
  revokeClient,
  saveState,
} from '../../../src/index.js';

const own = generateSshKeyPair({ comment: 'envboot-demo' });
const bob = generateSshKeyPair({ comment: 'bob@laptop' });
const ci = generateSshKeyPair({ comment: 'envboot-demo' });
const keyOf = (line: string): string => line.split(' ').slice(0, 2).join(' ');
const uuid = '6f1c3a52-2c1e-4a41-9d0b-0a8f3b1c2d3e';

async function bootstrapped(): Promise<MemoryStorage> {
  const storage = new MemoryStorage();
  await saveState({ storage, state: { stateInstances: ['i-1'], fields: { machines: { '0': { 'instance-id': 'i-1', 'host-keys': [] } } } }, expect: 'create' });
  return storage;
}

async function listed(storage: MemoryStorage): Promise<{ key: string; label: string }[]> {
  return authorizedClients((await loadState({ storage })).state).map(({ key, label }) => ({ key, label }));
}

describe('authorized clients in provider-state', () => {
  it("lists this client's own key first when the first other client is authorized, and keeps every other field", async () => {
    const storage = await bootstrapped();
    const result = await authorizeClient({ storage, keyLine: bob.publicKey, initial: { keyLine: own.publicKey } });
    assert.equal(result.added, true);
    assert.deepEqual(await listed(storage), [
      { key: keyOf(own.publicKey), label: 'envboot-demo' },
      { key: keyOf(bob.publicKey), label: 'bob@laptop' },
    ]);
    const { state } = await loadState({ storage });
    assert.deepEqual(state.stateInstances, ['i-1']);
    assert.ok(state.fields['machines'] !== undefined, 'the machine records are kept');
    assert.equal(result.client.fingerprint, parseClientPublicKey(bob.publicKey).fingerprint);
    assert.match(result.client.addedAt, /^\d{4}-\d\d-\d\dT/);
  });

  it('is idempotent: the same key again adds nothing; a label given renames it', async () => {
    const storage = await bootstrapped();
    await authorizeClient({ storage, keyLine: bob.publicKey, initial: { keyLine: own.publicKey } });
    const again = await authorizeClient({ storage, keyLine: bob.publicKey, initial: { keyLine: own.publicKey } });
    assert.equal(again.added, false);
    assert.equal((await listed(storage)).length, 2);
    const renamed = await authorizeClient({ storage, keyLine: bob.publicKey, label: 'bob' });
    assert.equal(renamed.client.label, 'bob');
    assert.deepEqual((await listed(storage)).map((c) => c.label), ['envboot-demo', 'bob']);
  });

  it('gives a key whose comment another key has as label a label of its own', async () => {
    const storage = await bootstrapped();
    const result = await authorizeClient({ storage, keyLine: ci.publicKey, initial: { keyLine: own.publicKey } });
    assert.match(result.client.label, /^envboot-demo-[A-Za-z0-9]{8}$/);
  });

  it('refuses a label another key has, and bad labels and key lines, writing nothing', async () => {
    const storage = await bootstrapped();
    await authorizeClient({ storage, keyLine: bob.publicKey, label: 'shared', initial: { keyLine: own.publicKey } });
    const before = await storage.get({ key: 'provider-state' });
    const cases: [Promise<unknown>, RegExp][] = [
      [authorizeClient({ storage, keyLine: ci.publicKey, label: 'shared' }), /label "shared" names another authorized key/],
      [authorizeClient({ storage, keyLine: ci.publicKey, label: 'has space' }), /not usable: 1 to 64 letters/],
      [authorizeClient({ storage, keyLine: ci.privateKey }), /is a private key/],
      [authorizeClient({ storage, keyLine: `no-pty ${ci.publicKey}` }), /authorized_keys options/],
      [authorizeClient({ storage, keyLine: 'ssh-ed25519 AAAA' }), /not a valid ssh-ed25519 public key/],
    ];
    for (const [attempt, message] of cases) await assert.rejects(attempt, (error: Error & { code?: string }) => error.code === 'CONFIG_INVALID' && message.test(error.message));
    assert.equal((await storage.get({ key: 'provider-state' })).version, before.version, 'nothing was written');
  });

  it('loses no key when several clients are authorized at once (compare-and-swap)', async () => {
    const storage = await bootstrapped();
    const keys = Array.from({ length: 6 }, (_, i) => generateSshKeyPair({ comment: `c${i}` }));
    await Promise.all(keys.map((k) => authorizeClient({ storage, keyLine: k.publicKey, initial: { keyLine: own.publicKey } })));
    const labels = (await listed(storage)).map((c) => c.label).sort();
    assert.deepEqual(labels, ['c0', 'c1', 'c2', 'c3', 'c4', 'c5', 'envboot-demo']);
  });

  it("revokes a key, refusing this client's own and the last one with nothing written", async () => {
    const storage = await bootstrapped();
    await authorizeClient({ storage, keyLine: bob.publicKey, initial: { keyLine: own.publicKey } });
    await assert.rejects(revokeClient({ storage, key: keyOf(own.publicKey), keep: [keyOf(own.publicKey)] }), /this client's own key: run "envboot rotate-client-key"/);
    const gone = await revokeClient({ storage, key: keyOf(bob.publicKey), keep: [keyOf(own.publicKey)] });
    assert.equal(gone.removed?.label, 'bob@laptop');
    assert.deepEqual((await listed(storage)).map((c) => c.label), ['envboot-demo']);
    const before = (await storage.get({ key: 'provider-state' })).version;
    await assert.rejects(revokeClient({ storage, key: keyOf(own.publicKey) }), (error: Error & { code?: string }) => error.code === 'CONFIG_INVALID' && /last authorized key/.test(error.message));
    assert.equal((await storage.get({ key: 'provider-state' })).version, before);
    assert.equal((await revokeClient({ storage, key: keyOf(bob.publicKey) })).removed, undefined, 'a key not listed is a no-op');
  });

  it("passes a revoked key's label to another in the same write (a rotation's new key)", async () => {
    const storage = await bootstrapped();
    await authorizeClient({ storage, keyLine: ci.publicKey, initial: { keyLine: own.publicKey } });
    await revokeClient({ storage, key: keyOf(own.publicKey), labelTo: keyOf(ci.publicKey) });
    assert.deepEqual(await listed(storage), [{ key: keyOf(ci.publicKey), label: 'envboot-demo' }]);
  });

  it('finds a listed key by key line, fingerprint or label, and lists the known ones otherwise', async () => {
    const storage = await bootstrapped();
    await authorizeClient({ storage, keyLine: bob.publicKey, initial: { keyLine: own.publicKey } });
    const clients = authorizedClients((await loadState({ storage })).state);
    const bobs = parseClientPublicKey(bob.publicKey);
    assert.equal(findAuthorizedClient(clients, bob.publicKey).label, 'bob@laptop');
    assert.equal(findAuthorizedClient(clients, bobs.fingerprint).label, 'bob@laptop');
    assert.equal(findAuthorizedClient(clients, 'bob@laptop').fingerprint, bobs.fingerprint);
    assert.throws(() => findAuthorizedClient(clients, 'alice'), /no authorized key matches "alice" .*"envboot-demo" \(SHA256:.*"bob@laptop"/);
  });

  it('writes machine lines marked as the environment\'s, which user-data and authorize use', async () => {
    const storage = await bootstrapped();
    await authorizeClient({ storage, keyLine: bob.publicKey, label: 'bob', initial: { keyLine: own.publicKey } });
    const { state } = await loadState({ storage });
    assert.equal(machineKeyLine({ key: keyOf(bob.publicKey), label: 'bob' }, uuid), `${keyOf(bob.publicKey)} envboot:${uuid}:bob`);
    assert.deepEqual(machineKeyLines(state, uuid), [`${keyOf(own.publicKey)} envboot:${uuid}:envboot-demo`, `${keyOf(bob.publicKey)} envboot:${uuid}:bob`]);
  });

  it('skips entries that are not valid keys, so a hand-edited list never grants a bad line', async () => {
    const storage = new MemoryStorage();
    await saveState({
      storage,
      state: {
        stateInstances: [],
        fields: {
          'authorized-clients': [
            { key: 'command="x" ssh-ed25519 AAAA', label: 'bad' },
            'junk',
            { key: bob.publicKey, label: 'bob' },
            { key: ci.publicKey, label: `ci\ncommand="sh" ${keyOf(own.publicKey)} \u001b[2J` },
          ],
        },
      },
    });
    const labels = (await listed(storage)).map((c) => c.label);
    assert.deepEqual(labels.slice(0, 1), ['bob']);
    assert.match(labels[1] ?? '', /^client-[A-Za-z0-9]{8}$/, 'a label that is not one is replaced; the key stays');
    const lines = machineKeyLines((await loadState({ storage })).state, uuid);
    assert.ok(lines.every((line) => !/\p{Cc}/u.test(line)), 'no line carries a newline or escape into authorized_keys');
  });
});
