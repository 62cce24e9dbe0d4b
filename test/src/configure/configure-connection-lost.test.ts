import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import {
  configureMachine,
  connectSsh,
  generateSshKeyPair,
  isSshConnectionLost,
  type ConfigureEvent,
  type SshConnection,
} from '../../../src/index.js';
import { SshTestHost } from '../../../src/testing/index.js';
import { startTcpRelay, type TcpRelay } from '../ssh/tcp-relay.js';

const client = generateSshKeyPair();
let host: SshTestHost;
let relay: TcpRelay;
let direct: SshConnection;
/** A configure run that never settles fails the test here instead of hanging it. */
const limit = { timeout: 10_000 };
/** As on a cloud: the image's non-root default user, the script run through sudo (a private system needs root to make). */
const user = process.getuid?.() === 0 || process.env['CI'] === 'true' ? 'debian' : 'root';

before(async () => {
  host = await SshTestHost.start({ authorizedKeys: [client.publicKey], ...(user === 'root' ? {} : { defaultUser: user }) });
  direct = await connectSsh({ host: host.hostname, port: host.port, user, privateKey: client.privateKey, hostKeys: [host.hostPublicKey] });
});
after(async () => {
  direct.close();
  await host.stop();
});
beforeEach(async () => {
  relay = await startTcpRelay(host);
});
afterEach(async () => {
  await relay.stop();
  // The machine's side of the session is gone now, and with it the script: wait for that
  // before the host stops, or its stop could kill the runner before the runner stops the script.
  await scriptStopped();
});

// A duration no other test uses (test files run side by side), to find the script's command.
const config = { runcmd: ['echo before', 'sleep 30.029'] };

/** Configures through the relay, calling `breakIt` once the long step has started. */
async function configureThenBreak(breakIt: () => unknown, keepaliveIntervalMs?: number): Promise<{ error: unknown; afterMs: number }> {
  const connection = await connectSsh({ host: relay.host, port: relay.port, user, privateKey: client.privateKey, hostKeys: [host.hostPublicKey], keepaliveIntervalMs });
  let brokenAt = 0;
  try {
    await configureMachine({
      connection,
      rootPrefix: host.root,
      config,
      onEvent: (event: ConfigureEvent) => {
        if (event.type !== 'configure.step' || event.index !== 2) return;
        brokenAt = Date.now();
        void breakIt();
      },
    });
    return assert.fail('configure succeeded over a broken connection');
  } catch (error) {
    return { error, afterMs: Date.now() - brokenAt };
  } finally {
    connection.close();
  }
}

async function sleepsRunning(): Promise<number> {
  const result = await direct.exec({ command: 'pgrep -fc "^sleep 30.029$"' });
  return Number(result.stdout.toString().trim());
}

/** Waits (up to 2 s) until the script's long step no longer runs on the machine. */
async function scriptStopped(): Promise<void> {
  for (let i = 0; i < 40 && (await sleepsRunning()) > 0; i += 1) await new Promise((resolve) => setTimeout(resolve, 50));
  assert.equal(await sleepsRunning(), 0, 'the script was stopped on the machine');
}

describe('configureMachine over a connection that goes away', () => {
  it('fails at once with SSH_CONNECTION_LOST naming the step and the last output when the server resets the connection', limit, async () => {
    const { error, afterMs } = await configureThenBreak(() => relay.cut());
    assert.ok(isSshConnectionLost(error), String(error));
    assert.match((error as Error).message, new RegExp(`^configuring ${user}@127\\.0\\.0\\.1:\\d+ failed: the SSH connection was lost during step 2/2 \\(runcmd\\[1\\]\\), so the machine may be part-configured`));
    assert.match((error as Error).message, /last lines of output:\n(.*\n)* {2}before\n/);
    assert.ok(afterMs < 1_000, `failed ${afterMs} ms after the cut`);
    // The session ended on the machine, and with it the script.
    await scriptStopped();
  });

  it('fails with SSH_CONNECTION_LOST by keepalive when the server stops answering', limit, async () => {
    const { error, afterMs } = await configureThenBreak(() => { relay.silence(); }, 50);
    assert.ok(isSshConnectionLost(error), String(error));
    assert.match((error as Error).message, /during step 2\/2 \(runcmd\[1\]\)/);
    assert.match(((error as Error).cause as Error).message, /no answer to 3 keepalive probes/);
    assert.ok(afterMs < 1_000, `failed ${afterMs} ms after the server fell silent`);
  });
});
