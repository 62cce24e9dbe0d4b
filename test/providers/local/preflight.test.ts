import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { namespaceFailure } from '../../../providers/local/preflight.js';

describe('namespaceFailure', () => {
  const settings = (values: Record<string, string>) => (file: string): string | undefined => values[file];
  it('names the sysctl that disables user namespaces', () => {
    assert.match(namespaceFailure('unshare failed', settings({ '/proc/sys/user/max_user_namespaces': '0' })), /user\.max_user_namespaces is 0.*sysctl -w/);
    assert.match(
      namespaceFailure('Operation not permitted', settings({ '/proc/sys/kernel/apparmor_restrict_unprivileged_userns': '1' })),
      /AppArmor.*kernel\.apparmor_restrict_unprivileged_userns=0/,
    );
    assert.match(namespaceFailure('Operation not permitted', settings({})), /Operation not permitted.*seccomp/);
  });
});
