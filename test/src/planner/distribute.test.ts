import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { distributeInstances, eligibleCandidates, type ZoneAllocation } from '../../../src/index.js';
import { zonedEnviron } from '../../fakes/environs.js';

const even: ZoneAllocation[] = [
  { zone: 'az0', instances: ['i0'] },
  { zone: 'az1', instances: ['i1'] },
  { zone: 'az2', instances: ['i2'] },
];
const uneven: ZoneAllocation[] = [
  { zone: 'az0', instances: ['i0'] },
  { zone: 'az1', instances: ['i1', 'i2'] },
];

describe('eligibleCandidates', () => {
  const cases: { name: string; allocations: ZoneAllocation[]; candidates: string[]; limitZones?: string[]; want: string[] }[] = [
    { name: 'keeps members of the least-populated zones', allocations: even, candidates: ['i2', 'i3', 'i4'], want: ['i2'] },
    { name: 'keeps every member when all zones tie', allocations: even, candidates: ['i0', 'i1', 'i2'], want: ['i0', 'i1', 'i2'] },
    { name: 'rejects candidates that are not group members', allocations: even, candidates: ['i3', 'i4'], want: [] },
    // Juju's binary search accepted any id sorting before the last eligible one.
    { name: 'rejects non-members that sort among the members', allocations: even, candidates: ['a', 'i', 'i0x', 'i1'], want: ['i1'] },
    { name: 'is empty for no candidates', allocations: even, candidates: [], want: [] },
    { name: 'is empty when there are no zones', allocations: [], candidates: ['i0'], want: [] },
    { name: 'a limit to every zone changes nothing', allocations: even, candidates: ['i0', 'i1', 'i2'], limitZones: ['az0', 'az1', 'az2'], want: ['i0', 'i1', 'i2'] },
    { name: 'a limit keeps only its zones', allocations: even, candidates: ['i0', 'i1', 'i2'], limitZones: ['az0', 'az1'], want: ['i0', 'i1'] },
    { name: 'unknown zones in the limit are ignored', allocations: even, candidates: ['i0', 'i1'], limitZones: ['az1', 'az2', 'az4'], want: ['i1'] },
    { name: 'with uneven zones only the emptiest counts', allocations: uneven, candidates: ['i0', 'i1', 'i2'], limitZones: ['az0', 'az1', 'az666'], want: ['i0'] },
    { name: 'a limit excluding every zone leaves nothing', allocations: uneven, candidates: ['i0', 'i1'], limitZones: ['az2', 'az3'], want: [] },
    { name: 'an empty emptiest zone makes nothing eligible', allocations: [{ zone: 'az9', instances: [] }, ...even], candidates: ['i0', 'i1'], want: [] },
    { name: 'keeps candidate order and duplicates', allocations: even, candidates: ['i2', 'i0', 'i2'], want: ['i2', 'i0', 'i2'] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const params = { allocations: c.allocations, candidates: c.candidates, ...(c.limitZones ? { limitZones: c.limitZones } : {}) };
      assert.deepEqual(eligibleCandidates(params), c.want);
    });
  }
});

describe('distributeInstances', () => {
  it('asks the environ for the allocation of the group and filters candidates by it', async () => {
    const environ = zonedEnviron({
      zones: [
        { name: 'a', available: true },
        { name: 'b', available: true },
      ],
      placement: { m0: 'a', m1: 'a', m2: 'b', m3: 'a' },
    });
    assert.deepEqual(await distributeInstances({ environ, candidates: ['m0', 'm2', 'm3'] }), ['m2']);
    assert.deepEqual(await distributeInstances({ environ, candidates: ['m0', 'm1'], group: ['m0', 'm1'] }), []);
    assert.deepEqual(await distributeInstances({ environ, candidates: ['m0', 'm3'], limitZones: ['a'] }), ['m0', 'm3']);
  });
});
