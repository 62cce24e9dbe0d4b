import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { completeLinesLength, logLines, RedactedLineStream } from '../../../../src/cli/environment/log-lines.js';
import { SecretRedactor } from '../../../../src/logging/redact.js';

const keyBody = ['b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW', 'QyNTUxOQAAACBzZWNyZXQtYm9keS1vZi10aGUta2V5LXRoYXQtbXVzdC1uZXZlci1zaG93'];
const key = ['-----BEGIN OPENSSH PRIVATE KEY-----', ...keyBody, '-----END OPENSSH PRIVATE KEY-----'];

/** Nothing of the key's body, and no escape or control character, anywhere in `lines`. */
function assertClean(lines: readonly string[]): void {
  const all = lines.join('\n');
  for (const part of keyBody) assert.ok(!all.includes(part.slice(0, 20)), `a piece of the key is shown: ${all}`);
  // eslint-disable-next-line no-control-regex
  assert.doesNotMatch(all, /[\u0000-\u0008\u000b-\u001f\u007f\u009b]/);
}

describe('logLines', () => {
  const cases: { name: string; text: string; cutAtStart?: boolean; maxLines?: number; shows: string[] }[] = [
    { name: 'a key block as one mark, the lines around it kept', text: ['before', ...key, 'after'].join('\n'), shows: ['before', '[REDACTED]', 'after'] },
    { name: 'a #cloud-config text and everything after it', text: 'cat user-data\n#cloud-config\nusers: []\nlater\n', shows: ['cat user-data', '[REDACTED]'] },
    { name: 'escapes and control characters dropped', text: '\u001b[31mred\u001b[0m \u001b]0;title\u0007done\u0000\n', shows: ['red done'] },
    { name: 'the last maxLines, counted after redaction', text: ['a', ...key, 'b', 'c'].join('\n'), maxLines: 2, shows: ['b', 'c'] },
    { name: 'a cut inside a key block: up to its END goes too', text: [...key.slice(1), 'after'].join('\n'), cutAtStart: true, shows: ['[REDACTED]', 'after'] },
    { name: 'a cut elsewhere: only the partial first line goes', text: 'art of a line\nwhole\n', cutAtStart: true, shows: ['whole'] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const shown = logLines({ content: Buffer.from(c.text), cutAtStart: c.cutAtStart ?? false, redactor: new SecretRedactor(), maxLines: c.maxLines ?? 100 });
      assert.deepEqual(shown.lines, c.shows);
      assertClean(shown.lines);
    });
  }

  it('replaces a value registered with the redactor (the nonce)', () => {
    const redactor = new SecretRedactor();
    redactor.add('0123456789abcdef0123456789abcdef');
    const shown = logLines({ content: Buffer.from('nonce is 0123456789abcdef0123456789abcdef\n'), cutAtStart: false, redactor, maxLines: 10 });
    assert.deepEqual(shown.lines, ['nonce is [REDACTED]']);
  });

  it('counts the bytes of complete lines', () => {
    assert.equal(completeLinesLength(Buffer.from('a\nbc\npartial')), 5);
    assert.equal(completeLinesLength(Buffer.from('no newline')), 0);
  });
});

describe('RedactedLineStream', () => {
  const feed = (stream: RedactedLineStream, chunks: readonly string[]): string[] => [...chunks.flatMap((chunk) => stream.push(Buffer.from(chunk))), ...stream.end()];

  it('never shows a line of a key that arrives a line at a time, and goes on after it', () => {
    const stream = new RedactedLineStream({ redactor: new SecretRedactor() });
    const out: string[][] = [];
    for (const line of ['start', `cat key: ${key[0] ?? ''}`, ...key.slice(1), 'next']) out.push(stream.push(Buffer.from(`${line}\n`)));
    assert.deepEqual(out.flat(), ['start', 'cat key: [REDACTED]', 'next']);
    assert.deepEqual(out.slice(2, 4), [[], []], 'nothing is printed while the block is open');
    assertClean(out.flat());
  });

  it('joins lines split across chunks, multi-byte characters too', () => {
    const stream = new RedactedLineStream({ redactor: new SecretRedactor() });
    const euro = Buffer.from('€');
    const chunks = [Buffer.from('pri'), Buffer.concat([Buffer.from('ce 5'), euro.subarray(0, 1)]), Buffer.concat([euro.subarray(1), Buffer.from('\nlast')])];
    const out = [...chunks.flatMap((chunk) => stream.push(chunk)), ...stream.end()];
    assert.deepEqual(out, ['price 5€', 'last']);
  });

  it('hides the rest of the stream after a #cloud-config text, saying so through hiding', () => {
    const stream = new RedactedLineStream({ redactor: new SecretRedactor(), maxHeldLines: 3 });
    const out = feed(stream, ['before\n', '#cloud-config\n', 'users: []\n', 'a\n', 'b\n', 'c\n', 'd\n']);
    assert.deepEqual(out, ['before', '[REDACTED]']);
    assert.equal(stream.hiding, true);
  });

  it('continues inside a block the text shown so far left open', () => {
    const stream = new RedactedLineStream({ redactor: new SecretRedactor() });
    stream.startAfter(`shown\n${key.slice(0, 2).join('\n')}\n`);
    const out = feed(stream, [`${key.slice(2).join('\n')}\n`, 'after\n']);
    assert.deepEqual(out, ['[REDACTED]', 'after']);
    assertClean(out);
  });

  it('hides everything when the open block began too far back to hold', () => {
    const stream = new RedactedLineStream({ redactor: new SecretRedactor(), maxHeldLines: 2 });
    stream.startAfter(`${key.slice(0, 3).join('\n')}\n`);
    assert.equal(stream.hiding, true);
    assert.deepEqual(feed(stream, [`${key[3] ?? ''}\n`, 'after\n']), []);
  });
});
