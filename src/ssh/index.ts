export { connectSsh, type ConnectSshParams } from './connect.js';
export type { ExecParams, ExecResult } from './exec.js';
export { fingerprint, generateSshKeyPair, publicKeyBlob, writePrivateKeyFile, type SshKeyPair } from './keys.js';
export { SshConnection } from './ssh-connection.js';
export { parseHostSpec, type HostSpec, type SshTarget } from './ssh-target.js';
export { uploadFile, type UploadFileParams } from './upload.js';
export { authorizedKeyMatches, parseAuthorizedKey } from './server-auth.js';
export { knownHostKeys, userKnownHostsFiles } from './known-hosts-lookup.js';
export { scanHostKey } from './scan-host-key.js';
