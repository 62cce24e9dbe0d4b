import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkDuration, formatDuration, parseDuration, type ParseDurationOptions } from '../../../src/util/duration.js';

describe('parseDuration', () => {
  const accepted: [string | number, number, ParseDurationOptions?][] = [
    ['500ms', 500],
    ['30s', 30_000],
    ['10m', 600_000],
    ['1h', 3_600_000],
    ['1h30m', 5_400_000],
    ['1m30s500ms', 90_500],
    ['1.5m', 90_000],
    ['.5s', 500],
    ['2.s', 2000],
    ['0.0004s', 0],
    ['1.5ms', 2],
    ['  45s ', 45_000],
    ['0', 0],
    [0, 0],
    ['02m05s', 125_000],
    ['30', 30_000, { bareNumberUnit: 's' }],
    [30, 30_000, { bareNumberUnit: 's' }],
    ['250', 250, { bareNumberUnit: 'ms' }],
    [1.5, 90_000, { bareNumberUnit: 'm' }],
    ['1s', 1000, { bareNumberUnit: 'h' }],
  ];
  for (const [text, ms, options] of accepted) {
    it(`reads ${JSON.stringify(text)}${options ? ` with ${JSON.stringify(options)}` : ''} as ${ms}ms`, () => {
      assert.equal(parseDuration(text, options), ms);
    });
  }

  const refused: [string | number, RegExp, ParseDurationOptions?][] = [
    ['30', /"30" has no unit; write e\.g\. 30s or 30m \(units: ms, s, m, h\)/],
    [30, /"30" has no unit/],
    ['1.5', /"1.5" has no unit/],
    ['', /an empty string is not a duration/],
    ['soon', /"soon" is not a duration; write a number and a unit \(ms, s, m, h\), e\.g\. 500ms/],
    ['30S', /"30S" is not a duration/],
    ['1h 30m', /"1h 30m" must not contain spaces/],
    ['-1s', /"-1s" is negative/],
    [-1, /"-1" is not a duration; it must be zero or more/, { bareNumberUnit: 's' }],
    [Number.NaN, /is not a duration/, { bareNumberUnit: 's' }],
    ['2d', /"2d": days are not a unit; write hours instead, e\.g\. 24h/],
    ['100us', /the smallest unit is ms/],
    ['s', /"s" is not a duration/],
    ['1e3s', /"1e3s" is not a duration/],
    [`${'9'.repeat(400)}h`, /is too long a duration/],
  ];
  for (const [text, message, options] of refused) {
    it(`refuses ${JSON.stringify(text)}`, () => {
      assert.equal(parseDuration(text, options), undefined);
      const checked = checkDuration(text, options);
      assert.ok(!checked.ok);
      assert.match(checked.message, message);
    });
  }
});

describe('formatDuration', () => {
  const cases: [number, string][] = [
    [0, '0ms'],
    [340, '340ms'],
    [999.4, '999ms'],
    [999.6, '1s'],
    [1000, '1s'],
    [1234, '1.2s'],
    [12_345, '12.3s'],
    [59_940, '59.9s'],
    [59_960, '1m00s'],
    [125_000, '2m05s'],
    [600_000, '10m00s'],
    [3_725_000, '1h02m05s'],
    [-1500, '-1.5s'],
  ];
  for (const [ms, text] of cases) {
    it(`writes ${ms}ms as ${text}`, () => {
      assert.equal(formatDuration(ms), text);
    });
  }

  it('writes what parseDuration reads back', () => {
    for (const ms of [0, 340, 1000, 1200, 125_000, 3_725_000]) assert.equal(parseDuration(formatDuration(ms)), ms);
  });
});
