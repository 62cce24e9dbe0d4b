import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { connectSsh, generateSshKeyPair, isBootFailed, readNonceState } from '../../../src/index.js';
import { SshTestHost } from '../../../src/testing/index.js';
import { requireRoot } from '../../helpers/require-tool.js';

const client = generateSshKeyPair();
const nonceFile = '/var/lib/envboot/nonce';

// status.json as cloud-init 22.x writes it (json.dumps, indent 1): one stage failed.
const failedStatus = {
  v1: {
    datasource: 'DataSourceNoCloud [seed=/dev/vdb][dsmode=net]',
    'init-local': { errors: [], finished: 1733300000.1, start: 1733299999.9 },
    init: { errors: ["('bootcmd', ProcessExecutionError('Unexpected error while running command.'))"], finished: 1733300004.2, start: 1733300001.0 },
    'modules-config': { errors: [], finished: null, start: null },
    stage: null,
  },
};
// 23.4+: warnings only ("degraded"): a working machine, not a failed boot.
const degradedStatus = { v1: { init: { errors: [], recoverable_errors: { WARNING: ['deprecated key'] } }, stage: 'modules-config' } };

async function host(t: TestContext, defaultUser?: string): Promise<SshTestHost> {
  const started = await SshTestHost.start({ authorizedKeys: [client.publicKey], ...(defaultUser === undefined ? {} : { defaultUser, defaultUserSudo: 'passwordless' }) });
  t.after(() => started.stop());
  return started;
}

async function check(t: TestContext, on: SshTestHost, user: string, waitMs = 0): Promise<Parameters<typeof readNonceState>[0]> {
  const connection = await connectSsh({ host: on.hostname, port: on.port, user, privateKey: client.privateKey, hostKeys: [on.hostPublicKey] });
  t.after(() => { connection.close(); });
  return { connection, nonce: 'abc123', nonceFile, waitMs, signal: new AbortController().signal };
}

async function writeStatus(on: SshTestHost, status: unknown): Promise<void> {
  const dir = path.join(on.root, 'run/cloud-init');
  await mkdir(dir, { recursive: true, mode: 0o755 });
  await writeFile(path.join(dir, 'status.json'), `${JSON.stringify(status, null, 1)}\n`, { mode: 0o644 });
}

async function failure(read: Promise<unknown>): Promise<Error> {
  const error = await read.then(() => assert.fail('the read should have failed'), (e: unknown) => e);
  assert.ok(isBootFailed(error), `expected BOOT_FAILED, got ${String(error)}`);
  return error as Error;
}

for (const [who, defaultUser] of [['root', undefined], ['a cloud image default user (non-root, sudo)', 'debian']] as const) {
  describe(`readNonceState and cloud-init's status, as ${who}`, () => {
    it("ends with BOOT_FAILED and status.json when a stage reported errors before the nonce", async (t) => {
      if (defaultUser !== undefined && !requireRoot(t, 'a non-root default user needs a private /etc and setpriv')) return;
      const machine = await host(t, defaultUser);
      const read = await check(t, machine, defaultUser ?? 'root');
      await writeStatus(machine, degradedStatus);
      assert.equal(await readNonceState(read), 'absent', 'recoverable errors alone are not a failed boot');
      await writeStatus(machine, failedStatus);
      const error = await failure(readNonceState(read));
      assert.match(error.message, /cloud-init reported errors before writing the nonce \(status\.json\):/);
      assert.match(error.message, /ProcessExecutionError/, "cloud-init's own error");
      await machine.writeNonce('abc123');
      assert.equal(await readNonceState(read), 'match', 'a nonce written after all is the machine proven, as before');
    });

    it('notices the error while waiting on the machine, within a tick of status.json saying so', async (t) => {
      if (defaultUser !== undefined && !requireRoot(t, 'a non-root default user needs a private /etc and setpriv')) return;
      const machine = await host(t, defaultUser);
      const read = await check(t, machine, defaultUser ?? 'root', 10_000);
      await writeStatus(machine, { v1: { init: { errors: [] }, stage: 'init' } });
      const started = Date.now();
      const pending = failure(readNonceState(read));
      setTimeout(() => void writeStatus(machine, failedStatus), 500);
      await pending;
      const tookMs = Date.now() - started;
      assert.ok(tookMs < 3_000, `the read waited ${tookMs} ms of its 10 s after the error appeared at 0.5 s`);
    });
  });
}
