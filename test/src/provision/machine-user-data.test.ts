import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseUserData } from '../../../cloudinit/index.js';
import { generateSshKeyPair, machineUserData } from '../../../src/index.js';

const uuid = '6f1c3a52-2c1e-4a41-9d0b-0a8f3b1c2d3e';
const keyOf = (line: string): string => line.split(' ').slice(0, 2).join(' ');
const capabilities = { maxUserDataBytes: 16_384, userDataGzip: false };

describe("a new machine's user-data", () => {
  it('lets in the client key alone when no other client is authorized', () => {
    const client = generateSshKeyPair({ comment: 'envboot-demo' });
    const { userData } = machineUserData({ clientPublicKey: client.publicKey, machineId: '1', capabilities });
    assert.deepEqual(parseUserData(userData).ssh_authorized_keys, [client.publicKey]);
  });

  it("lets in every authorized client, this client's key first (as the list writes it) and none twice", () => {
    const client = generateSshKeyPair({ comment: 'envboot-demo' });
    const bob = generateSshKeyPair({ comment: 'bob' });
    const listed = [`${keyOf(bob.publicKey)} envboot:${uuid}:bob`, `${keyOf(client.publicKey)} envboot:${uuid}:envboot-demo`];
    const { userData } = machineUserData({ clientPublicKey: client.publicKey, authorizedKeys: listed, machineId: '1', capabilities });
    assert.deepEqual(parseUserData(userData).ssh_authorized_keys, [listed[1], listed[0]]);
  });
});
