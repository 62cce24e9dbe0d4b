import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { pinnedSettings, settingArguments } from '../../../../src/cli/openssh/pinned-options.js';
import { requireTool } from '../../../helpers/require-tool.js';

const jumpHost = { host: '198.51.100.7', port: 2222, user: 'jump', hostKeys: ['ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl jump'] };

describe('the pinned OpenSSH settings', () => {
  it("hold against the operator's own ssh config: no shared master connection, no host key from DNS", async (t) => {
    const ssh = requireTool(t, 'ssh', 'ssh -G reads the settings back');
    if (ssh === undefined) return;
    const dir = await mkdtemp(path.join(tmpdir(), 'envboot-pinned-'));
    t.after(() => rm(dir, { recursive: true, force: true }));
    // A common ~/.ssh/config: masters shared by address, so a plain `ssh root@ADDRESS` made earlier would carry envboot's session.
    const userConfig = path.join(dir, 'user-config');
    await writeFile(userConfig, 'Host *\n  ControlMaster auto\n  ControlPath /tmp/cm-%r@%h:%p\n  VerifyHostKeyDNS yes\n');
    for (const jump of [undefined, jumpHost]) {
      const settings = await pinnedSettings({ dir, environment: 'demo', machineId: '0', jumpHost: jump });
      const seen = execFileSync(ssh, ['-G', '-F', userConfig, ...settingArguments(settings), 'root@10.0.0.5'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      assert.doesNotMatch(seen, /^controlpath /m, 'no control socket is used');
      assert.match(seen, /^verifyhostkeydns false$/m);
      assert.match(seen, /^stricthostkeychecking true$/m);
      if (jump !== undefined) assert.match(seen, /^proxycommand ssh .*-o VerifyHostKeyDNS=no -o ControlPath=none .*-W %h:%p/m, 'the jump host too');
    }
  });
});
