import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { socketPathFor } from '../../../providers/local/layout.js';

describe('socketPathFor', () => {
  it('uses agent.sock in the data directory, or a stable short path when that is too long for a Unix socket', () => {
    assert.equal(socketPathFor('/tmp/env'), '/tmp/env/agent.sock');
    const long = `/tmp/${'x'.repeat(120)}`;
    const fallback = socketPathFor(long, '/tmp');
    assert.match(fallback, /^\/tmp\/envboot-[0-9a-z]+\/local-[0-9a-f]{20}\.sock$/);
    assert.equal(socketPathFor(long, '/tmp'), fallback);
    assert.notEqual(socketPathFor(`${long}y`, '/tmp'), fallback);
  });
});
