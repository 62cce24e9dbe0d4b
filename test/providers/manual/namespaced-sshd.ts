import type { TestContext } from 'node:test';
import { startOpenSsh, type OpenSshServer } from '../../helpers/openssh-server.js';

export type NamespacedSshd = OpenSshServer;

/**
 * An "existing host" for the manual provider: OpenSSH's real sshd on 127.0.0.1 in a
 * private mount namespace where /root, /var/lib and /var/log are empty, so that every
 * change an enrolment makes (marker, nonce, authorized_keys, configure log) lands there
 * and vanishes with sshd, never on the test machine. With `defaultUser` it is a cloud
 * image's host: that non-root user with sudo logs in, root is refused by a forced command.
 */
export function startNamespacedSshd(t: TestContext, params: { authorizedKeys: readonly string[]; defaultUser?: string }): Promise<NamespacedSshd | undefined> {
  return startOpenSsh(t, { ...params, emptyDirectories: ['/root', '/var/lib', '/var/log'] });
}
