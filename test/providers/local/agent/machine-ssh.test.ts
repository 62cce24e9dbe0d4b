import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import { describe, it, type TestContext } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { generateSshKeyPair } from '../../../../src/index.js';
import { MachineSsh } from '../../../../providers/local/agent/machine-ssh.js';
import { execInMachine, type Holder } from '../../../../providers/local/agent/sandbox.js';
import { testSandbox } from './sandbox-fixture.js';
import { isAlive } from '../../../../src/util/process-identity.js';
import { processesMentioning } from '../../../helpers/processes.js';
import { client, serveMachineSsh } from '../fixtures.js';
import { connectRoot, openSession } from './ssh-session.js';

/** A sandbox of its own, killed and removed when the test ends; undefined when the test was skipped. */
async function sandbox(t: TestContext): Promise<Holder | undefined> {
  return (await testSandbox(t))?.start();
}

/** Polls until `check` holds (10 s at most). */
async function eventually(what: string, check: () => boolean): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!check()) {
    assert.ok(Date.now() < deadline, `still not so after 10 s: ${what}`);
    await sleep(50);
  }
}

describe('MachineSsh', () => {
  it('kills every session on close, a pty session\'s jobs included, while the machine runs on', async (t) => {
    const holder = await sandbox(t);
    if (holder === undefined) return;
    const hostKey = generateSshKeyPair({ comment: 'machine-ssh-test-host' });
    const ssh = new MachineSsh({ hostKey: hostKey.privateKey, authorizedKeys: [client.publicKey], run: (command, env) => execInMachine(holder, command, { env }) });
    const port = await serveMachineSsh(t, ssh);
    const connection = await connectRoot(t, { host: '127.0.0.1', port, privateKey: client.privateKey, hostPublicKey: hostKey.publicKey });
    // Durations no other process has, so that the processes can be found on the host.
    const [plain, background, foreground] = [303, 304, 305].map((n) => `sleep ${n}.${randomInt(100_000, 999_999)}`) as [string, string, string];
    const exec = await openSession(connection, { kind: 'exec', command: plain });
    const shell = await openSession(connection, { kind: 'shell', pty: { rows: 24, cols: 80 } });
    shell.channel.write(`${background} & ${foreground}\n`);
    const running = (): string[] => [plain, background, foreground].filter((sleeper) => processesMentioning(sleeper).length > 0);
    await eventually('the three sleeps run', () => running().length === 3);

    ssh.close();
    await Promise.all([exec.ended, shell.ended]);
    await eventually('no sleep is left', () => running().length === 0);
    assert.ok(isAlive(holder.process), 'closing the SSH server ended the machine');
  });
});
