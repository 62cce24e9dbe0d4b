import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { connectSsh, generateSshKeyPair, readNonceState } from '../../../src/index.js';
import { SshTestHost } from '../../../src/testing/index.js';

describe('readNonceState', () => {
  it('reads an empty nonce file (one being written) as not there yet, and another nonce as a mismatch', async () => {
    const client = generateSshKeyPair();
    const host = await SshTestHost.start({ authorizedKeys: [client.publicKey] });
    after(() => host.stop());
    const connection = await connectSsh({ host: host.hostname, port: host.port, user: 'root', privateKey: client.privateKey, hostKeys: [host.hostPublicKey] });
    after(() => { connection.close(); });
    const check = { connection, nonce: 'abc123', nonceFile: '/var/lib/envboot/nonce', signal: new AbortController().signal };
    assert.equal(await readNonceState(check), 'absent');
    await host.writeNonce('');
    assert.equal(await readNonceState(check), 'absent');
    await host.writeNonce('other');
    assert.equal(await readNonceState(check), 'mismatch');
    await host.writeNonce('abc123');
    assert.equal(await readNonceState(check), 'match');
  });
});
