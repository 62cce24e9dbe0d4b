import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatReply } from '../../../../src/cli/completion/candidate.js';

describe('formatReply', () => {
  it('writes what the completion scripts read: the kind, then a word a line with its note after a tab', () => {
    assert.equal(formatReply({ kind: 'files' }), 'files\n');
    assert.equal(formatReply({ kind: 'dirs' }), 'dirs\n');
    assert.equal(formatReply({ kind: 'words', candidates: [] }), 'words\n');
    assert.equal(
      formatReply({ kind: 'words', candidates: [{ value: 'demo', description: 'local' }, { value: '0' }, { value: 'x', description: '' }] }),
      'words\ndemo\tlocal\n0\nx\n',
    );
  });

  it('leaves out a word a line cannot carry, and flattens and shortens notes', () => {
    const long = `${'word '.repeat(30)}end`;
    const text = formatReply({
      kind: 'words',
      candidates: [
        { value: 'two\nlines' },
        { value: 'tab\there' },
        { value: '' },
        { value: 'ok', description: 'a\tnote\nover\r\nlines' },
        { value: 'long', description: long },
      ],
    });
    const lines = text.split('\n');
    assert.deepEqual(lines.slice(0, 2), ['words', 'ok\ta note over lines']);
    assert.match(lines[2] ?? '', /^long\tword word .*…$/);
    assert.ok((lines[2] ?? '').length <= 'long\t'.length + 72, lines[2]);
    assert.equal(lines.length, 4, 'three lines and the final newline');
  });
});
