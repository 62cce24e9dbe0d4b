import { randomBytes } from 'node:crypto';
import { renderUserData, type CloudConfig } from '../../cloudinit/index.js';
import type { ProviderCapabilities } from '../provider/index.js';
import { generateSshKeyPair, keyLineFields, type SshKeyPair } from '../ssh/index.js';
import { defaultNonceFile } from '../wait-ssh/index.js';

export interface MachineUserDataParams {
  /** The environment's client public key: what may log in. */
  readonly clientPublicKey: string;
  /**
   * Every client provider-state lists (`machineKeyLines`), so that a machine started now
   * lets in every client authorized before it; this client's own key comes first.
   */
  readonly authorizedKeys?: readonly string[] | undefined;
  readonly machineId: string;
  readonly capabilities: Pick<ProviderCapabilities, 'maxUserDataBytes' | 'userDataGzip'>;
}

/** A new machine's secrets and the user-data that carries them; keep all of it out of logs. */
export interface MachineUserData {
  readonly hostKey: SshKeyPair;
  readonly nonce: string;
  readonly userData: Uint8Array;
}

/**
 * Generates a machine's host key and nonce, and renders the *minimal* user-data: the
 * client key, the host key pair, and the nonce file written last (deferred, so cloud-init
 * writes it after everything else it does at boot). Everything else is configured over
 * SSH afterwards, so user-data stays far below every provider's limit (about 500 bytes
 * gzipped); the limit is still enforced.
 */
export function machineUserData(params: MachineUserDataParams): MachineUserData {
  const hostKey = generateSshKeyPair({ comment: `envboot-machine-${params.machineId}` });
  const nonce = randomBytes(16).toString('hex');
  const config: CloudConfig = {
    ssh_authorized_keys: loginKeys(params.clientPublicKey, params.authorizedKeys ?? []),
    ssh_keys: { ed25519_private: hostKey.privateKey, ed25519_public: hostKey.publicKey },
    write_files: [{ path: defaultNonceFile, content: `${nonce}\n`, permissions: '0600', defer: true }],
  };
  const rendered = renderUserData(config, {
    gzip: params.capabilities.userDataGzip,
    maxBytes: params.capabilities.maxUserDataBytes,
  });
  return { hostKey, nonce, userData: rendered.body };
}

/**
 * The client's key first (a manual host's enrolment remembers the first line as the
 * environment's key, to remove on release), as the list writes it when the list has it,
 * then every other listed key once.
 */
function loginKeys(clientPublicKey: string, listed: readonly string[]): string[] {
  const keyOf = (line: string): string => keyLineFields(line).key;
  const own = keyOf(clientPublicKey);
  const first = listed.find((line) => keyOf(line) === own) ?? clientPublicKey;
  return [first, ...listed.filter((line) => keyOf(line) !== own)];
}
