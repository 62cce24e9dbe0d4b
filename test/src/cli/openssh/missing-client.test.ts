import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isMissingProgram, missingClientError } from '../../../../src/cli/openssh/missing-client.js';

const enoent = Object.assign(new Error('spawn ssh ENOENT'), { code: 'ENOENT' });

describe("the message when OpenSSH's client is missing", () => {
  it("names this system's package first", () => {
    const cases: [string, RegExp][] = [
      ['ID=debian\nVERSION_ID="12"\n', /install it with "sudo apt-get install openssh-client" \(the package openssh-client\)/],
      ['ID=ubuntu\nID_LIKE=debian\n', /sudo apt-get install openssh-client/],
      ['ID="rocky"\nID_LIKE="rhel centos fedora"\n', /sudo dnf install openssh-clients/],
      ['ID=fedora\n', /sudo dnf install openssh-clients/],
      ['ID=alpine\n', /sudo apk add openssh-client/],
      ['ID="opensuse-tumbleweed"\nID_LIKE="opensuse suse"\n', /sudo zypper install openssh-clients/],
    ];
    for (const [osRelease, says] of cases) {
      const error = missingClientError({ tool: 'ssh', command: 'envboot ssh', cause: enoent, osRelease, platform: 'linux' });
      assert.match(error.message, /^envboot ssh runs OpenSSH's "ssh", and there is no "ssh" on PATH: /);
      assert.match(error.message, says, osRelease);
      assert.equal(error.code, 'CONFIG_INVALID');
      assert.equal(error.cause, enoent);
    }
  });

  it('lists every family on an unknown system, and says macOS has it built in', () => {
    const unknown = missingClientError({ tool: 'scp', command: 'envboot scp', cause: enoent, osRelease: '', platform: 'linux' });
    assert.match(unknown.message, /Debian\/Ubuntu: "sudo apt-get install openssh-client"; Fedora\/RHEL: "sudo dnf install openssh-clients"; Alpine: "sudo apk add openssh-client".*macOS: built in/);
    const mac = missingClientError({ tool: 'scp', command: 'envboot scp', cause: enoent, platform: 'darwin' });
    assert.match(mac.message, /macOS has it built in as \/usr\/bin\/scp: put \/usr\/bin back on PATH/);
    assert.equal(isMissingProgram(enoent), true);
    assert.equal(isMissingProgram(new Error('EACCES')), false);
  });
});
