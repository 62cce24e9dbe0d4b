import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { machineRecords, type ProviderState } from '../../../src/index.js';

const hostKey = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFakeHostKeyFakeHostKeyFakeHostKeyFake';

describe('machine records read from provider-state another client wrote', () => {
  it('keeps no entry that would break a line of known_hosts or ssh_config, or start an option, on a client that attached', () => {
    const state: ProviderState = {
      stateInstances: [],
      fields: {
        machines: {
          '0': { 'instance-id': 'i-0abc', 'host-keys': [hostKey], user: 'debian' },
          '1\n@cert-authority * ssh-ed25519 AAAA': { 'instance-id': 'i-1', 'host-keys': [hostKey] },
          '../../x': { 'instance-id': 'i-2', 'host-keys': [hostKey] },
          '3': { 'instance-id': 'i-3\n  ProxyCommand sh -c id', 'host-keys': [hostKey] },
          '4': { 'instance-id': 'manual:[fe80::1%eth0]:22', 'host-keys': [hostKey], user: '-oProxyCommand=id' },
          '5': { 'instance-id': 'i-5', 'host-keys': [hostKey], user: 'ubuntu\n  ProxyCommand sh' },
        },
      },
    };
    const records = machineRecords(state);
    assert.deepEqual(
      records.map((r) => [r.id, r.instanceId, r.user]),
      [
        ['0', 'i-0abc', 'debian'],
        ['4', 'manual:[fe80::1%eth0]:22', undefined],
        ['5', 'i-5', undefined],
      ],
    );
  });
});
