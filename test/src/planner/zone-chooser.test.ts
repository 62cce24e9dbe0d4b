import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ZoneChooser } from '../../../src/index.js';

const allocations = [
  { zone: 'local-b', instances: [] },
  { zone: 'local-a', instances: [] },
  { zone: 'local-c', instances: ['m1'] },
];

function manualClock(): { now: () => number; advance: (ms: number) => void } {
  let t = 1_000_000;
  return { now: () => t, advance: (ms) => (t += ms) };
}

describe('ZoneChooser', () => {
  it('picks the least-populated zone, ties broken by name', () => {
    assert.equal(new ZoneChooser({ allocations }).choose(), 'local-a');
  });

  it('spreads a batch evenly as placements are recorded', () => {
    const chooser = new ZoneChooser({ allocations });
    const placed: string[] = [];
    for (let i = 0; i < 9; i += 1) {
      const zone = chooser.choose();
      assert.ok(zone !== undefined);
      chooser.recordPlacement(zone);
      placed.push(zone);
    }
    assert.deepEqual(Object.fromEntries(chooser.counts()), { 'local-a': 4, 'local-b': 3, 'local-c': 3 });
    assert.deepEqual(placed.slice(0, 3), ['local-a', 'local-b', 'local-a']);
  });

  it('skips a zone that just failed, until the cooldown passes', () => {
    const clock = manualClock();
    const chooser = new ZoneChooser({ allocations, cooldownMs: 60_000, now: clock.now });
    chooser.recordFailure({ zone: 'local-a' });
    assert.equal(chooser.choose(), 'local-b');
    clock.advance(59_999);
    assert.equal(chooser.choose(), 'local-b');
    clock.advance(1);
    assert.equal(chooser.choose(), 'local-a');
  });

  it('a failure scoped to an instance type or family skips the zone for that type only', () => {
    const chooser = new ZoneChooser({ allocations });
    chooser.recordFailure({ zone: 'local-a', scope: { kind: 'instance-type', instanceType: 'm5.large' } });
    chooser.recordFailure({ zone: 'local-b', scope: { kind: 'family', family: 'c6' } });
    assert.equal(chooser.choose({ instanceType: 'm5.large' }), 'local-b');
    assert.equal(chooser.choose({ instanceType: 'm5.xlarge' }), 'local-a');
    assert.equal(chooser.choose({ instanceType: 'c6.large' }), 'local-a');
    assert.equal(chooser.choose({ instanceType: 'c6' }), 'local-a');
    chooser.recordFailure({ zone: 'local-a', scope: { kind: 'all' } });
    assert.equal(chooser.choose({ instanceType: 'c6.large' }), 'local-c');
  });

  it('returns undefined when every allowed zone is cooling down', () => {
    const chooser = new ZoneChooser({ allocations });
    for (const zone of ['local-a', 'local-b', 'local-c']) chooser.recordFailure({ zone });
    assert.equal(chooser.choose(), undefined);
  });

  it('honours a zone limit, including limits naming unknown zones', () => {
    const chooser = new ZoneChooser({ allocations });
    assert.equal(chooser.choose({ limitZones: ['local-c', 'mars-1'] }), 'local-c');
    assert.equal(chooser.choose({ limitZones: ['mars-1'] }), undefined);
  });

  it('counts removals without going below zero', () => {
    const chooser = new ZoneChooser({ allocations });
    chooser.recordRemoval('local-c');
    chooser.recordRemoval('local-c');
    assert.equal(chooser.counts().get('local-c'), 0);
    assert.equal(chooser.choose(), 'local-a');
  });
});
