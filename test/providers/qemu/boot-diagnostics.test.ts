import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it, type TestContext } from 'node:test';
import { renderUserData, type CloudConfig } from '../../../cloudinit/index.js';
import {
  consoleOf,
  connectSsh,
  generateSshKeyPair,
  isBootFailed,
  isTimeout,
  machineTags,
  waitForMachine,
  waitSSH,
  type SshConnection,
  type SshKeyPair,
} from '../../../src/index.js';
import { defaultNonceFile } from '../../../src/wait-ssh/nonce-check.js';
import { openQemu, refreshable, type QemuFixture } from './fixtures.js';

/** A machine started on the test image with `extra` cloud-config besides envboot's minimal user-data. */
interface Booted {
  readonly fixture: QemuFixture;
  readonly client: SshKeyPair;
  readonly hostKey: SshKeyPair;
  readonly nonce: string;
  readonly userData: Uint8Array;
  readonly instanceId: string;
}

async function boot(t: TestContext, prefix: string, extra: (nonce: string) => Partial<CloudConfig>): Promise<Booted | undefined> {
  const fixture = await openQemu(t, { prefix });
  if (fixture === undefined) return undefined;
  const client = generateSshKeyPair({ comment: `${prefix}client` });
  const hostKey = generateSshKeyPair({ comment: `${prefix}host` });
  const nonce = randomBytes(16).toString('hex');
  const config: CloudConfig = {
    ssh_authorized_keys: [client.publicKey],
    ssh_keys: { ed25519_private: hostKey.privateKey, ed25519_public: hostKey.publicKey },
    write_files: [{ path: defaultNonceFile, content: `${nonce}\n`, permissions: '0600', defer: true }],
    ...extra(nonce),
  };
  const userData = renderUserData(config, { gzip: false }).body;
  const { environ } = fixture;
  const { instance } = await environ.startInstance({ machineId: '0', constraints: {}, userData, tags: machineTags(environ.environment, '0') });
  return { fixture, client, hostKey, nonce, userData, instanceId: instance.id };
}

/** Logs in to the machine as the image's default user, for reading what cloud-init left. */
async function login(t: TestContext, booted: Booted): Promise<SshConnection> {
  const [view] = await booted.fixture.environ.instances({ ids: [booted.instanceId] });
  const address = view?.addresses[0];
  assert.ok(address !== undefined, 'the machine has an address');
  const connection = await connectSsh({
    host: address.value,
    port: address.port ?? 22,
    user: booted.fixture.environ.sshUser,
    privateKey: booted.client.privateKey,
    hostKeys: [booted.hostKey.publicKey],
  });
  t.after(() => { connection.close(); });
  return connection;
}

async function waitFails(booted: Booted, timeoutMs: number): Promise<{ error: unknown; at: number }> {
  const { environ } = booted.fixture;
  try {
    await waitSSH({
      instance: refreshable(environ, booted.instanceId),
      user: environ.sshUser,
      privateKey: booted.client.privateKey,
      hostKeys: [booted.hostKey.publicKey],
      nonce: booted.nonce,
      timeoutMs,
    });
  } catch (error) {
    return { error, at: Date.now() };
  }
  assert.fail('waitSSH proved a machine whose boot failed');
}

function assertNoSecret(text: string, booted: Booted): void {
  const userData = Buffer.from(booted.userData).toString('utf8');
  for (const [what, secret] of [
    ['the host private key', booted.hostKey.privateKey.split('\n')[1] ?? 'no key line'],
    ['the client private key', booted.client.privateKey.split('\n')[1] ?? 'no key line'],
    ['the nonce', booted.nonce],
    ['the user-data', userData.slice(0, 60)],
  ] as const) {
    assert.ok(!text.includes(secret), `${what} reached the error`);
  }
}

// Three real boots, two at a time at most (TCG on two host CPUs): the long wait first.
describe("a boot that goes wrong explains itself (real cloud-init, the image's default user)", { concurrency: 2 }, () => {
  it("a machine whose SSH never answers: the timeout carries the end of its console, redacted", async (t) => {
    // sshd is refused its start: bootcmd runs in cloud-init's first stage, ordered before ssh.service.
    const booted = await boot(t, 'envboot-qemu-no-ssh-', () => ({
      bootcmd: ['systemctl mask --now ssh.service ssh.socket'],
    }));
    if (booted === undefined) return;
    const { environ } = booted.fixture;
    let failure: unknown;
    try {
      await waitForMachine({
        environ,
        machineId: '0',
        instanceId: booted.instanceId,
        user: environ.sshUser,
        hostKeys: [booted.hostKey.publicKey],
        clientKey: booted.client,
        secrets: { hostKey: booted.hostKey, nonce: booted.nonce, userData: booted.userData },
        timeouts: { waitSshMs: 150_000 },
      });
    } catch (error) {
      failure = error;
    }
    assert.ok(isTimeout(failure), `waitForMachine ended with ${String(failure)}`);
    const excerpt = consoleOf(failure);
    assert.ok(excerpt !== undefined, 'the timeout carries the console');
    assert.equal(excerpt.instanceId, booted.instanceId);
    assert.ok(excerpt.location?.endsWith('console.log'), `the whole console is named: ${String(excerpt.location)}`);
    const shown = excerpt.lines.join('\n');
    t.diagnostic(`console tail:\n${shown}`);
    assert.ok(excerpt.lines.length > 0 && excerpt.lines.length <= 25, `${excerpt.lines.length} lines`);
    assert.match(shown, /cloud-init|login:|Debian/i, 'the console of the booted image');
    // eslint-disable-next-line no-control-regex
    assert.doesNotMatch(shown, /[\u0000-\u0008\u000b-\u001f\u007f]/, 'no control characters reach a terminal');
    assertNoSecret(`${(failure as Error).message}\n${shown}`, booted);
  });

  it("a module that fails in cloud-init's first stage: BOOT_FAILED with cloud-init's errors, as soon as SSH answers", async (t) => {
    const booted = await boot(t, 'envboot-qemu-bootcmd-', () => ({ bootcmd: ['echo envboot-test-bootcmd-fails; exit 3'] }));
    if (booted === undefined) return;
    const { error, at } = await waitFails(booted, 600_000);
    assert.ok(isBootFailed(error), `waitSSH ended with ${String(error)}`);
    const message = (error as Error).message;
    assert.match(message, /cloud-init reported errors before writing the nonce \(status\.json\):/);
    assert.match(message, /bootcmd/, "cloud-init's error names the module");
    assert.match(message, /last lines of \/var\/log\/cloud-init-output\.log:/);
    assertNoSecret(message, booted);

    // When cloud-init reported the error (the first stage's end, from the machine's clock, which QEMU's RTC keeps on the host's).
    const connection = await login(t, booted);
    const status = JSON.parse((await connection.exec({ command: 'cat /run/cloud-init/status.json' })).stdout.toString()) as { v1: { init: { finished: number } } };
    const lagMs = at - status.v1.init.finished * 1000;
    t.diagnostic(`BOOT_FAILED ${lagMs.toFixed(0)} ms after cloud-init's first stage ended with the error`);
    assert.ok(lagMs < 30_000, `BOOT_FAILED came ${lagMs} ms after cloud-init reported the error`);
  });

  it('a boot that finishes without the nonce: BOOT_FAILED within seconds of cloud-init finishing', async (t) => {
    // A file where the nonce's directory should be: the nonce cannot be written, and cloud-init reports the error.
    const booted = await boot(t, 'envboot-qemu-boot-failed-', () => ({
      write_files: [
        { path: '/var/lib/envboot', content: 'in the way\n' },
        { path: defaultNonceFile, content: 'never written\n', permissions: '0600', defer: true },
      ],
    }));
    if (booted === undefined) return;
    const { error, at } = await waitFails(booted, 600_000);
    assert.ok(isBootFailed(error), `waitSSH ended with ${String(error)}`);
    const message = (error as Error).message;
    // The last stage's errors reach status.json and result.json together; either may be read first.
    assert.match(message, /cloud-init (finished without writing the nonce|reported errors before writing the nonce \(status\.json\)):/);
    assert.match(message, /"errors": \[/, "cloud-init's own JSON, errors and all");
    assert.match(message, /write-files-deferred/, "cloud-init's error names the module");
    assert.match(message, /last lines of \/var\/log\/cloud-init-output\.log:/);
    assertNoSecret(message, booted);

    const connection = await login(t, booted);
    const finished = Number((await connection.exec({ command: 'date +%s.%N -r /var/lib/cloud/data/result.json' })).stdout.toString().trim()) * 1000;
    const lagMs = at - finished;
    t.diagnostic(`BOOT_FAILED ${lagMs.toFixed(0)} ms after cloud-init wrote result.json`);
    assert.ok(lagMs < 5_000, `BOOT_FAILED came ${lagMs} ms after cloud-init finished`);
  });
});
