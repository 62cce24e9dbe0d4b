import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { collectList, countOption, durationOption } from '../../../src/cli/option-parsers.js';

describe('option values', () => {
  it('reads machine counts from 1 to 100 and refuses the rest', () => {
    assert.equal(countOption('1'), 1);
    assert.equal(countOption('100'), 100);
    for (const bad of ['0', '101', '-1', '1.5', 'two', '', '1e2']) assert.throws(() => countOption(bad), /is not a machine count/, bad);
  });

  it('reads timeouts with a unit and refuses a bare number or zero', () => {
    assert.equal(durationOption('90s'), 90_000);
    assert.equal(durationOption('1h30m'), 5_400_000);
    assert.throws(() => durationOption('30'), /has no unit/);
    assert.throws(() => durationOption('0s'), /positive duration/);
    assert.equal(durationOption('576h'), 576 * 3_600_000);
    assert.throws(() => durationOption('600h'), /longest timeout, 24 days/);
  });

  it('collects repeated and comma-separated zones', () => {
    const zones = collectList('--zone', 'zone name');
    assert.deepEqual(zones('b,c', zones('a', undefined)), ['a', 'b', 'c']);
    assert.throws(() => zones('a,,b', undefined), /"a,,b" has an empty zone name; write --zone a --zone b or --zone a,b$/);
    assert.throws(() => collectList('--from', 'source range')('10.0.0.0/8,', undefined), /"10\.0\.0\.0\/8," has an empty source range; write --from a --from b or --from a,b/);
  });
});
