import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { environmentExpiry, expiresAtField, parseRfc3339, parseState, serializeState, withEnvironmentExpiry, type ProviderState } from '../../../src/index.js';

const cases: { value: unknown; at?: string }[] = [
  { value: '2025-06-01T18:00:00Z', at: '2025-06-01T18:00:00.000Z' },
  { value: '2025-06-01T18:00:00.250Z', at: '2025-06-01T18:00:00.250Z' },
  { value: '2025-06-01T20:00:00+02:00', at: '2025-06-01T18:00:00.000Z' },
  { value: '2025-06-01' },
  { value: '2025-06-01 18:00:00Z' },
  { value: 'June 1, 2025 18:00 UTC' },
  { value: '2025-13-45T99:00:00Z' },
  { value: 1748800800000 },
  { value: undefined },
];

describe('an environment expiry in provider-state', () => {
  for (const c of cases) {
    it(`${c.at === undefined ? 'is none for' : 'reads'} ${c.value === undefined ? 'nothing' : JSON.stringify(c.value)}`, () => {
      const state: ProviderState = { stateInstances: [], fields: c.value === undefined ? {} : { [expiresAtField]: c.value } };
      assert.equal(parseRfc3339(c.value)?.toISOString(), c.at);
      assert.equal(environmentExpiry(state)?.toISOString(), c.at);
    });
  }

  it('is none without provider-state', () => {
    assert.equal(environmentExpiry(undefined), undefined);
  });

  it('is recorded in UTC to the second under expires-at, keeping the other fields, and reads back', () => {
    const state: ProviderState = { stateInstances: ['i-0abc'], fields: { 'bootstrap-attempt': 'a1' } };
    const recorded = withEnvironmentExpiry(state, new Date('2025-06-01T18:00:00.750Z'));
    assert.deepEqual(recorded, { stateInstances: ['i-0abc'], fields: { 'bootstrap-attempt': 'a1', 'expires-at': '2025-06-01T18:00:00Z' } });
    assert.equal(environmentExpiry(parseState(serializeState(recorded), 'test'))?.toISOString(), '2025-06-01T18:00:00.000Z');
  });
});
