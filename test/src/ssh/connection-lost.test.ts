import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import {
  connectSsh,
  generateSshKeyPair,
  isCancelled,
  isSshConnectionLost,
  type SshConnection,
} from '../../../src/index.js';
import { SshTestHost } from '../../../src/testing/index.js';
import { startTcpRelay, type TcpRelay } from './tcp-relay.js';

const client = generateSshKeyPair({ comment: 'client' });
let host: SshTestHost;
let relay: TcpRelay;
/** A command that never settles fails the test here instead of hanging it. */
const limit = { timeout: 10_000 };

before(async () => {
  host = await SshTestHost.start({ authorizedKeys: [client.publicKey] });
});
after(async () => {
  await host.stop();
});
// What a test opened, closed after it even when it timed out (its own code never resumes then).
const opened: (() => unknown)[] = [];
afterEach(async () => {
  for (const close of opened.splice(0).reverse()) await close();
});

async function connectThroughRelay(keepaliveIntervalMs?: number): Promise<SshConnection> {
  relay = await startTcpRelay(host);
  const through = relay;
  opened.push(() => through.stop());
  const connection = await connectSsh({
    host: relay.host,
    port: relay.port,
    user: 'root',
    privateKey: client.privateKey,
    hostKeys: [host.hostPublicKey],
    keepaliveIntervalMs,
  });
  opened.push(() => { connection.close(); });
  return connection;
}

/** A command that has started on the machine and is still running there. */
async function running(connection: SshConnection): Promise<{ pending: Promise<unknown> }> {
  let started: () => void = () => undefined;
  const seen = new Promise<void>((resolve) => { started = resolve; });
  const pending = connection.exec({ command: 'echo started; sleep 30', onStdout: () => { started(); } });
  pending.catch(() => undefined);
  await seen;
  return { pending };
}

function lost(pattern: RegExp): (error: unknown) => boolean {
  return (error) => {
    assert.ok(isSshConnectionLost(error), `SSH_CONNECTION_LOST, not ${String(error)}`);
    assert.match((error as Error).message, pattern);
    return true;
  };
}

describe('an SSH connection that goes away under a command', () => {
  it('fails the running command at once with SSH_CONNECTION_LOST when the server resets it, and every later one too', limit, async () => {
    const connection = await connectThroughRelay();
    const { pending } = await running(connection);
    const cutAt = Date.now();
    await relay.cut();
    await assert.rejects(pending, lost(/SSH connection lost \(read ECONNRESET\); the machine's SSH server stopped or restarted/));
    assert.ok(Date.now() - cutAt < 1_000, `noticed after ${Date.now() - cutAt} ms`);
    assert.equal(connection.closed, true);
    // The same answer between commands: a poller must see a lost connection, not a cancellation.
    await assert.rejects(connection.exec({ command: 'true' }), lost(/SSH connection lost/));
  });

  it('fails the running command with SSH_CONNECTION_LOST when the server ends the connection cleanly', limit, async () => {
    const other = await SshTestHost.start({ authorizedKeys: [client.publicKey] });
    let stopped = false;
    opened.push(() => (stopped ? undefined : other.stop()));
    const connection = await connectSsh({ host: other.hostname, port: other.port, user: 'root', privateKey: client.privateKey, hostKeys: [other.hostPublicKey] });
    opened.push(() => { connection.close(); });
    const { pending } = await running(connection);
    stopped = true;
    await other.stop();
    await assert.rejects(pending, lost(/SSH connection lost \(closed by the server\)/));
  });

  it('fails the running command by keepalive when the server stops answering without closing', limit, async () => {
    const connection = await connectThroughRelay(50);
    const { pending } = await running(connection);
    const silencedAt = Date.now();
    relay.silence();
    await assert.rejects(pending, lost(/no answer to 3 keepalive probes 0\.05 s apart/));
    const noticedMs = Date.now() - silencedAt;
    // Three unanswered probes 50 ms apart, and the fourth tick gives up: well under a second.
    assert.ok(noticedMs >= 100 && noticedMs < 1_000, `noticed after ${noticedMs} ms`);
  });

  it('a command on a connection closed here is cancelled, not lost', limit, async () => {
    const connection = await connectThroughRelay();
    const { pending } = await running(connection);
    connection.close();
    await assert.rejects(pending, isCancelled);
    await assert.rejects(connection.exec({ command: 'true' }), isCancelled);
  });
});
