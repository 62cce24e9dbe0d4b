import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compareKeys, validateKey } from '../../storage/index.js';

describe('storage keys', () => {
  it('accepts relative slash-separated keys with any printable characters', () => {
    for (const key of ['provider-state', 'a/b/c', 'sp ace', 'ü/%/~', '.hidden', 'a..b']) validateKey(key);
  });

  it('names what is wrong with a refused key', () => {
    const cases: [string, RegExp][] = [
      ['', /empty/],
      ['/etc/passwd', /relative/],
      ['a/../b', /"\.\." segment/],
      ['a//b', /empty path segment/],
      ['a\\b', /backslash/],
      ['x'.repeat(1025), /1,024 bytes/],
    ];
    for (const [key, message] of cases) {
      assert.throws(() => {
        validateKey(key);
      }, (error: unknown) => (error as { code: string }).code === 'CONFIG_INVALID' && message.test((error as Error).message));
    }
  });

  it('orders keys by their UTF-8 bytes, as S3 lists them', () => {
    const keys = ['ü', 'z', 'a/b', 'a', 'A', '\u{1F600}', '\uFFFD'];
    assert.deepEqual([...keys].sort(compareKeys), ['A', 'a', 'a/b', 'z', 'ü', '\uFFFD', '\u{1F600}']);
  });
});
