import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RemoteCommandError, TimeoutError, withConsole } from '../../../../src/index.js';
import { palette } from '../../../../src/cli/output/color.js';
import { describeError } from '../../../../src/cli/output/describe-error.js';
import { renderFailure } from '../../../../src/cli/output/render-failure.js';

const plain = { palette: palette(false), debug: false };

describe('renderFailure', () => {
  it("never passes a machine's escape sequences or control characters to the terminal, keeping line breaks", () => {
    const error = new RemoteCommandError('configure failed; last lines:\n\u001b[2Jcleared\r\nbell\u0007 and \u001b]0;title\u0007 set\n\ttabbed', { address: '127.0.0.1:22' });
    const shown = renderFailure(error, plain);
    assert.equal(shown, 'Error: configure failed; last lines:\ncleared\nbell and  set\n\ttabbed\n');
    const debug = renderFailure(new Error('outer', { cause: new Error('inner \u001b[31mred') }), { ...plain, debug: true });
    assert.match(debug, /caused by: inner red\n/);
  });

  it("shows the console an error carries under it, and --json carries it as a field", () => {
    const error = withConsole(new TimeoutError('timed out after 600 s waiting for SSH on instance i-1'), {
      instanceId: 'i-1',
      lines: ['[  OK  ] Reached target multi-user.target', 'Cloud-init v. 22.4.2 finished'],
      location: 'aws ec2 get-console-output --instance-id i-1 --latest --output text',
    });
    const wrapped = new Error('bootstrap did not finish', { cause: error });
    const shown = renderFailure(wrapped, plain);
    assert.equal(
      shown,
      [
        'Error: bootstrap did not finish',
        'Console of instance i-1 (last 2 lines; all of it: aws ec2 get-console-output --instance-id i-1 --latest --output text):',
        '  | [  OK  ] Reached target multi-user.target',
        '  | Cloud-init v. 22.4.2 finished',
        '',
      ].join('\n'),
    );
    assert.deepEqual(describeError(error).console?.lines, ['[  OK  ] Reached target multi-user.target', 'Cloud-init v. 22.4.2 finished']);
    assert.equal(describeError(new Error('plain')).console, undefined);
  });
});
