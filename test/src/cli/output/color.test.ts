import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { palette, useColor } from '../../../../src/cli/output/color.js';

describe('colour', () => {
  const cases: readonly [string, boolean, NodeJS.ProcessEnv, boolean][] = [
    ['a terminal', true, {}, true],
    ['a pipe', false, {}, false],
    ['NO_COLOR on a terminal', true, { NO_COLOR: '1' }, false],
    ['an empty NO_COLOR', true, { NO_COLOR: '' }, true],
    ['TERM=dumb', true, { TERM: 'dumb' }, false],
    ['FORCE_COLOR on a pipe', false, { FORCE_COLOR: '1' }, true],
    ['FORCE_COLOR=0 on a terminal', true, { FORCE_COLOR: '0' }, false],
    ['NO_COLOR over FORCE_COLOR', true, { NO_COLOR: '1', FORCE_COLOR: '1' }, false],
  ];
  for (const [name, isTTY, env, expected] of cases) {
    it(`is ${expected ? 'on' : 'off'} for ${name}`, () => {
      assert.equal(useColor({ isTTY }, env), expected);
    });
  }

  it('styles nothing when off', () => {
    assert.equal(palette(false).red('x'), 'x');
    assert.equal(palette(true).red('x'), '\u001b[31mx\u001b[39m');
  });
});
