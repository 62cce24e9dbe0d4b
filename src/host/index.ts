/**
 * `envboot/host`: for providers whose machines run on this host (local, qemu, or yours):
 * the host's hardware; processes that outlive the CLI, named so that a recycled pid is
 * never mistaken for them; process groups; tools on PATH; locks that know their holder;
 * and SSH servers on ssh2 (authorized keys, exec channels bridged to processes). Linux
 * only where it reads `/proc`.
 */
export {
  childrenOf,
  commandLineOf,
  identityOf,
  isAlive,
  signalProcess,
  waitUntilGone,
  type ProcessIdentity,
} from '../util/process-identity.js';
export { killProcessGroup } from '../util/kill-group.js';
export { findTool } from '../util/find-tool.js';
export {
  acquireHolderLock,
  waitForHolderLock,
  type HeldLock,
  type HolderLockParams,
  type LockAttempt,
  type WaitForHolderLockParams,
} from '../util/holder-lock.js';
export type { LockHolder } from '../util/lock-holder.js';
export { authorizedKeyMatches, parseAuthorizedKey, type AuthorizedKey, type PublicKeyAttempt } from '../ssh/server-auth.js';
export { bridgeChannel, type BridgeChannelParams, type ServerExecChannel } from '../ssh/server-channel.js';
export { authorizedKeyLines, readAuthorizedKeysFile } from '../ssh/authorized-keys-file.js';
export { filesystemMiB, hostHardware } from '../util/host-hardware.js';
