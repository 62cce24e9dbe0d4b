export { waitSSH } from './wait-ssh.js';
export { defaultNonceFile, readNonceState, type NonceState } from './nonce-check.js';
export type * from './wait-ssh-types.js';
export { hostKeyAlone, isHostKeyAlone, type HostKeyAlone } from './host-key-alone.js';
