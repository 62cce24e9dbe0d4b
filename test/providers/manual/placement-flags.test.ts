import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultManualConfig, manualDescriptor, manualPlacementFlags, manualProvider, type ManualConfig } from '../../../providers/manual/index.js';
import type { PlacementFlagValues } from '../../../src/index.js';

const key = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHhE1yJ7m6bGgRr8XqCYz0Nq6u0pEJpVq1w1X3r4k3Zd';
const apply = (values: PlacementFlagValues, config: ManualConfig = defaultManualConfig) => manualPlacementFlags.apply({ command: 'add-machine', config, values });

describe('the manual provider’s placement flags', () => {
  it('are declared by the descriptor and the provider alike', () => {
    assert.equal(manualDescriptor.placementFlags, manualPlacementFlags);
    assert.equal(manualProvider.placementFlags, manualPlacementFlags);
    assert.deepEqual(manualPlacementFlags.flags.map((f) => [f.name, f.value ?? null, f.repeatable === true, Object.keys(f.required ?? {})]), [
      ['host', 'user@host[:port]', true, ['bootstrap', 'add-machine']],
      ['identity', 'file', false, []],
      ['host-key', 'key', false, []],
      ['accept-new-host-key', null, false, []],
    ]);
  });

  const placements: [string, readonly string[], readonly string[]][] = [
    ['a host with the default port', ['ubuntu@203.0.113.7'], ['ubuntu@203.0.113.7:22']],
    ['a port', ['root@h:2222'], ['root@h:2222']],
    ['IPv6', ['debian@[2001:db8::7]:22'], ['debian@[2001:db8::7]:22']],
    ['several, repeated or comma-separated', ['a@h1', 'a@h2,a@h3'], ['a@h1:22', 'a@h2:22', 'a@h3:22']],
    ['none', [], []],
  ];
  for (const [name, hosts, expected] of placements) {
    it(`turns --host into placement directives: ${name}`, () => {
      const applied = apply(hosts.length === 0 ? {} : { host: hosts });
      assert.ok(applied.ok);
      assert.deepEqual(applied.placements, expected);
    });
  }

  it('puts --identity, --host-key and --accept-new-host-key over the config, keeping what the flags do not name', () => {
    const config: ManualConfig = { ...defaultManualConfig, identityFile: '~/.ssh/old', hostKeys: { other: [key] }, teardownCommands: ['true'] };
    const applied = apply({ host: ['root@h:2222'], identity: ['~/.ssh/ops'], 'host-key': [`${key} comment`], 'accept-new-host-key': true }, config);
    assert.ok(applied.ok);
    assert.deepEqual(applied.config, { identityFile: '~/.ssh/ops', hostKeys: { other: [key], '[h]:2222': [key] }, acceptNewHostKey: true, teardownCommands: ['true'] });
    const untouched = apply({ host: ['root@h'] }, config);
    assert.ok(untouched.ok);
    assert.deepEqual(untouched.config, config);
  });

  it('reports every problem at once, each naming its flag', () => {
    const applied = apply({ host: ['root@@bad', 'a@h'], 'host-key': ['not a key'] });
    assert.ok(!applied.ok);
    assert.equal(applied.problems.length, 3);
    const [host, oneHost, notKey] = applied.problems;
    assert.deepEqual(host, { path: '--host', message: 'invalid host "root@@bad": expected user@host or user@host:port (IPv6 as user@[::1]:22)' });
    assert.match(oneHost?.message ?? '', /^--host-key pins the key of one host: give exactly one --host with it$/);
    assert.match(notKey?.message ?? '', /^--host-key must be an OpenSSH public key line/);
  });
});
