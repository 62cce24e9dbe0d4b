import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseCopyOperands } from '../../../../src/cli/openssh/copy-operands.js';

describe('scp sources and target', () => {
  it('reads ID:PATH as a machine path and anything with a "/" before its ":" as local', () => {
    assert.deepEqual(parseCopyOperands(['./file', '0:/tmp/']), { machineId: '0', upload: true, sources: ['./file'], target: '/tmp/' });
    assert.deepEqual(parseCopyOperands(['a', 'b/c', '12:']), { machineId: '12', upload: true, sources: ['a', 'b/c'], target: '' });
    assert.deepEqual(parseCopyOperands(['1:/var/log/syslog', '.']), { machineId: '1', upload: false, sources: ['/var/log/syslog'], target: '.' });
    assert.deepEqual(parseCopyOperands(['1:/a', '1:b:c', './x:y']), { machineId: '1', upload: false, sources: ['/a', 'b:c'], target: './x:y' });
    assert.deepEqual(parseCopyOperands(['/abs/a:b', '0:/tmp/a:b']), { machineId: '0', upload: true, sources: ['/abs/a:b'], target: '/tmp/a:b' });
  });

  it('refuses bad machine ids, both sides local, both sides on machines, and mixed sources', () => {
    const cases: [readonly string[], RegExp][] = [
      [['web:/tmp/x', '.'], /"web:\/tmp\/x" is not a machine path: .* "web" is not one; write a local path that has a ":" as \.\/web:\/tmp\/x/],
      [['a:b', '0:/tmp/'], /"a:b" is not a machine path/],
      [[':x', '0:'], /":x" is not a machine path/],
      [['01:/x', '.'], /"01" is not one/],
      [['a', 'b'], /both sides are local: name the machine's side as ID:PATH/],
      [['0:/a', '1:/b'], /both sides are on machines \(machine 0, machine 1\)/],
      [['0:/a', '0:/b'], /both sides are on machines \(machine 0\)/],
      [['0:/a', './b', '.'], /the sources mix local paths and machine paths/],
      [['0:/a'], /give a source and a target/],
      [['', '0:/tmp'], /an empty path is not a file/],
    ];
    for (const [words, says] of cases) {
      assert.throws(() => parseCopyOperands(words), (error: Error & { code?: string }) => says.test(error.message) && error.code === 'CONFIG_INVALID', words.join(' '));
    }
  });
});
