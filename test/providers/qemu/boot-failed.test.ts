import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderUserData, type CloudConfig } from '../../../cloudinit/index.js';
import { connectSsh, generateSshKeyPair, isBootFailed, machineTags, waitSSH } from '../../../src/index.js';
import { defaultNonceFile } from '../../../src/wait-ssh/nonce-check.js';
import { openQemu, refreshable } from './fixtures.js';

describe('waitSSH on a machine whose cloud-init gives up', () => {
  it('ends with BOOT_FAILED and cloud-init\'s own verdict within seconds of cloud-init finishing without the nonce', async (t) => {
    const fixture = await openQemu(t, { prefix: 'envboot-qemu-boot-failed-' });
    if (fixture === undefined) return;
    const { environ } = fixture;
    const client = generateSshKeyPair({ comment: 'boot-failed-client' });
    const hostKey = generateSshKeyPair({ comment: 'boot-failed-host' });
    const nonce = 'f00dfeedf00dfeedf00dfeedf00dfeed';
    // A file where the nonce's directory should be: the nonce cannot be written, and cloud-init reports the error.
    const config: CloudConfig = {
      ssh_authorized_keys: [client.publicKey],
      ssh_keys: { ed25519_private: hostKey.privateKey, ed25519_public: hostKey.publicKey },
      write_files: [
        { path: '/var/lib/envboot', content: 'in the way\n' },
        { path: defaultNonceFile, content: `${nonce}\n`, permissions: '0600', defer: true },
      ],
    };
    const userData = renderUserData(config, { gzip: false }).body;
    const { instance } = await environ.startInstance({ machineId: '0', constraints: {}, userData, tags: machineTags(environ.environment, '0') });
    let failure: unknown;
    try {
      await waitSSH({ instance: refreshable(environ, instance.id), user: environ.sshUser, privateKey: client.privateKey, hostKeys: [hostKey.publicKey], nonce, timeoutMs: 600_000 });
    } catch (error) {
      failure = error;
    }
    const failedAt = Date.now();
    assert.ok(isBootFailed(failure), `waitSSH ended with ${String(failure)}`);
    const message = (failure as Error).message;
    assert.match(message, /cloud-init finished without writing the nonce:/);
    assert.match(message, /"errors": \[/, "cloud-init's result.json, errors and all");
    assert.match(message, /write-files-deferred/, "cloud-init's error names the module");
    assert.match(message, /last lines of \/var\/log\/cloud-init-output\.log:[\s\S]*Cloud-init v\. \S+ finished/);
    for (const secret of [hostKey.privateKey.split('\n')[1] ?? 'no key line', nonce]) assert.ok(!message.includes(secret), 'a secret reached the error');

    // cloud-init's own finish, from the machine's clock (QEMU's RTC follows the host's).
    const [address] = instance.addresses;
    assert.ok(address !== undefined);
    const connection = await connectSsh({ host: address.value, port: address.port ?? 22, user: environ.sshUser, privateKey: client.privateKey, hostKeys: [hostKey.publicKey] });
    try {
      const finished = Number((await connection.exec({ command: 'date +%s.%N -r /var/lib/cloud/data/result.json' })).stdout.toString().trim()) * 1000;
      const lagMs = failedAt - finished;
      t.diagnostic(`BOOT_FAILED ${lagMs.toFixed(0)} ms after cloud-init wrote result.json`);
      assert.ok(lagMs < 5_000, `BOOT_FAILED came ${lagMs} ms after cloud-init finished`);
    } finally {
      connection.close();
    }
  });
});
