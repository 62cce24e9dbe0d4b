import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TagKey, environmentTags, formatAddress, isOwnedBy, machineTags } from '../../../src/index.js';

const prod = { name: 'prod', uuid: '6f1c2a9e-0000-4000-8000-000000000001' };

describe('ownership tags', () => {
  it('machine tags carry the environment uuid, name, machine id and a readable Name', () => {
    assert.deepEqual(machineTags(prod, '3'), {
      [TagKey.EnvironmentUuid]: prod.uuid,
      [TagKey.EnvironmentName]: 'prod',
      [TagKey.MachineId]: '3',
      Name: 'envboot-prod-machine-3',
    });
  });

  it('ownership is by uuid, not by name', () => {
    assert.ok(isOwnedBy(environmentTags(prod), prod));
    assert.ok(!isOwnedBy(environmentTags({ name: 'prod', uuid: 'another' }), prod));
    assert.ok(!isOwnedBy({}, prod));
  });
});

describe('formatAddress', () => {
  it('brackets IPv6 literals and defaults the port to 22', () => {
    assert.equal(formatAddress({ value: '127.0.0.2', scope: 'public' }), '127.0.0.2:22');
    assert.equal(formatAddress({ value: '::1', scope: 'machine-local', port: 2222 }), '[::1]:2222');
  });
});
