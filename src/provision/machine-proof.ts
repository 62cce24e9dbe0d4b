import { Buffer } from 'node:buffer';
import { decodeContent, hostKeyNames, parseUserData, type CloudConfig } from '../../cloudinit/index.js';
import { defaultNonceFile } from '../wait-ssh/index.js';

/**
 * What proves a started machine is the one envboot started: the host public key(s) it was
 * given and the nonce cloud-init writes as its last boot step. Public on purpose: the host
 * private key in the same user-data is never read out of it.
 */
export interface MachineProof {
  /** Host public key lines (`ssh-ed25519 AAAA… comment`), as the user-data gave them. */
  readonly hostKeys: string[];
  /** The nonce, trimmed; absent when the user-data writes no nonce file. */
  readonly nonce?: string;
}

/**
 * Reads the proof back out of user-data envboot rendered (`machineUserData`): gzip and
 * base64 are undone as cloud-init does. `bootstrap --resume` and `adopt` use it to prove
 * a machine from what it was started with, where the provider can read user-data back.
 *
 * Undefined when the bytes are not a cloud-config, or carry no host public key: without
 * a pinned host key nothing can be proven (a nonce read over an unverified connection
 * proves nothing). The result holds nothing secret but the nonce: keep it out of logs.
 *
 * @example
 * const proof = proofFromUserData(await environ.instanceUserData({ id, signal }));
 * if (proof !== undefined) await waitSSH({ hostKeys: proof.hostKeys, nonce: proof.nonce, … });
 */
export function proofFromUserData(bytes: Uint8Array): MachineProof | undefined {
  let config: CloudConfig;
  try {
    config = parseUserData(bytes);
  } catch {
    return undefined;
  }
  const hostKeys = publicHostKeys(config);
  if (hostKeys.length === 0) return undefined;
  const nonce = nonceOf(config);
  return nonce === undefined ? { hostKeys } : { hostKeys, nonce };
}

function publicHostKeys(config: CloudConfig): string[] {
  const keys = config.ssh_keys ?? {};
  return hostKeyNames
    .filter((name) => name.endsWith('_public'))
    .map((name) => keys[name]?.trim())
    .filter((line): line is string => line !== undefined && line !== '');
}

function nonceOf(config: CloudConfig): string | undefined {
  // The last entry wins, as it does on the machine when a path is written twice.
  const file = (config.write_files ?? []).filter((f) => f.path === defaultNonceFile).at(-1);
  if (file === undefined || file.append === true) return undefined;
  let content: string;
  try {
    content = Buffer.from(decodeContent(file)).toString('utf8').trim();
  } catch {
    return undefined;
  }
  return content === '' ? undefined : content;
}
