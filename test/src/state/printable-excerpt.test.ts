import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { printableExcerpt } from '../../../src/state/printable-excerpt.js';

describe('printableExcerpt', () => {
  const cases: [string, string, string][] = [
    ['plain text as it is', 'state-instances: [i-1]', 'state-instances: [i-1]'],
    ['a screen clear and a title change escaped', 'a\u001b[2J\u001b]0;pwned\u0007b', 'a\\x1b[2J\\x1b]0;pwned\\x07b'],
    ['newlines, carriage returns and tabs escaped', 'one\r\ntwo\tthree', 'one\\x0d\\x0atwo\\x09three'],
    ['DEL and a C1 CSI escaped', 'x\u007fy\u009bz', 'x\\x7fy\\x9bz'],
    ['a right-to-left override and a zero-width space escaped', 'abc\u202edef\u200b', 'abc\\u202edef\\u200b'],
    ['a tag character beyond the BMP escaped', 'a\u{e0041}', 'a\\u{e0041}'],
    ['letters of any script as they are', 'über 日本 ✓', 'über 日本 ✓'],
  ];
  for (const [what, text, shown] of cases) {
    it(`shows ${what}`, () => {
      assert.equal(printableExcerpt(text), shown);
    });
  }

  it('cuts long text at the limit, escapes counted, and marks the cut', () => {
    assert.equal(printableExcerpt('x'.repeat(100), 10), `${'x'.repeat(10)}…`);
    assert.equal(printableExcerpt('abcdefgh\u001b', 10), 'abcdefgh…', 'an escape that would cross the limit is left out whole');
    assert.equal(printableExcerpt('x'.repeat(10), 10), 'x'.repeat(10), 'text at the limit is not cut');
  });

  it('never lets a control character through, whatever the bytes', () => {
    const everything = Array.from({ length: 0x200 }, (_, code) => String.fromCodePoint(code)).join('');
    // eslint-disable-next-line no-control-regex -- finding control characters is the point
    assert.doesNotMatch(printableExcerpt(everything, 10_000), /[\u0000-\u001f\u007f-\u009f]/);
  });
});
