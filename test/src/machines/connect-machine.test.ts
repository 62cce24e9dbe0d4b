import assert from 'node:assert/strict';
import net from 'node:net';
import { before, describe, it } from 'node:test';
import {
  bootstrap,
  connectMachine,
  isCancelled,
  isConfigError,
  isHostKeyMismatch,
  isInstanceFailed,
  isSshUnreachable,
  type Address,
  type Environ,
  type SshKeyPair,
} from '../../../src/index.js';
import { closedPort, SshTestHost, type FakeEnviron } from '../../../src/testing/index.js';
import { fakeEnvironment } from '../bootstrap/fixtures.js';
import { startTcpRelay } from '../ssh/tcp-relay.js';
import { coreOnly } from '../../fakes/environs.js';

/** `environ`, except that its instances report `addresses(own)` instead of their own addresses. */
function reportingAddresses(environ: FakeEnviron, addresses: (own: readonly Address[]) => Address[]): Environ {
  return coreOnly(environ, {
    instances: async (params) =>
      (await environ.instances(params)).map((instance) => (instance === undefined ? undefined : { ...instance, addresses: addresses(instance.addresses) })),
  });
}

/** A listener that accepts connections and never speaks, counting what it accepted and what is still open. */
interface SilentListener {
  readonly address: Address;
  readonly accepted: number;
  readonly open: number;
  /** Resolves once `condition` holds, checked at every accept and close; fails after 10 s. */
  until(condition: () => boolean, what: string): Promise<void>;
  stop(): Promise<void>;
}

async function silentListener(scope: Address['scope']): Promise<SilentListener> {
  const sockets = new Set<net.Socket>();
  const changed = new Set<() => void>();
  let accepted = 0;
  const notify = (): void => { for (const check of changed) check(); };
  const server = net.createServer((socket) => {
    accepted += 1;
    sockets.add(socket);
    socket.on('error', () => undefined);
    // Reads (and drops) what the client says: a socket that is not read never sees its end.
    socket.resume();
    socket.on('close', () => {
      sockets.delete(socket);
      notify();
    });
    notify();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    address: { value: '127.0.0.1', port: (server.address() as net.AddressInfo).port, scope },
    get accepted() { return accepted; },
    get open() { return sockets.size; },
    until: (condition, what) =>
      new Promise((resolve, reject) => {
        const check = (): void => {
          if (!condition()) return;
          changed.delete(check);
          clearTimeout(guard);
          resolve();
        };
        const guard = setTimeout(() => {
          changed.delete(check);
          reject(new Error(`gave up waiting for ${what} (accepted ${accepted}, open ${sockets.size})`));
        }, 10_000);
        changed.add(check);
        check();
      }),
    stop: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => { resolve(); });
      }),
  };
}

/** Polls `condition` every 20 ms; fails after 10 s. For state with no event to wait on. */
async function eventually(condition: () => boolean, what: string): Promise<void> {
  for (const start = Date.now(); !condition(); ) {
    if (Date.now() - start > 10_000) assert.fail(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('connectMachine', () => {
  const environ = fakeEnvironment('cm');
  let clientKey: SshKeyPair;
  before(async () => {
    ({ clientKey } = await bootstrap({ environ }));
  });
  const controllerHost = (): SshTestHost => {
    const host = environ.machines()[0]?.host;
    assert.ok(host !== undefined, 'the controller is running');
    return host;
  };

  it('connects to the controller, verified, and runs a command', async () => {
    const { connection, machine, instance, address } = await connectMachine({ environ, machineId: '0', clientKey });
    try {
      assert.equal(machine.id, '0');
      assert.equal(instance.id, machine.instanceId);
      assert.deepEqual(address, { value: '127.0.0.1', port: controllerHost().port, scope: 'public' });
      const result = await connection.exec({ command: 'echo hello' });
      assert.deepEqual([result.exitCode, result.stdout.toString()], [0, 'hello\n']);
    } finally {
      connection.close();
    }
  });

  it('wins on the good address while another stays silent, and cancels the silent attempt at once', async () => {
    const tarpit = await silentListener('public');
    const good = reportingAddresses(environ, (own) => [tarpit.address, ...own.map((a) => ({ ...a, scope: 'cloud-local' as const }))]);
    try {
      const started = Date.now();
      // A long timeout: only cancellation can close the tarpit's socket within this test.
      const { connection, address } = await connectMachine({ environ: good, machineId: '0', clientKey, connectTimeoutMs: 60_000 });
      try {
        assert.equal(address.port, controllerHost().port);
        assert.equal((await connection.exec({ command: 'echo verified' })).stdout.toString(), 'verified\n');
        await tarpit.until(() => tarpit.accepted > 0 && tarpit.open === 0, 'the tarpit attempt to be cancelled');
        assert.ok(Date.now() - started < 30_000, 'returned long before the connect timeout');
      } finally {
        connection.close();
      }
    } finally {
      await tarpit.stop();
    }
  });

  it('closes a losing attempt that got through too, keeping only the winner', async () => {
    const host = controllerHost();
    const twice = reportingAddresses(environ, (own) => [...own, ...own.map((a) => ({ ...a, scope: 'cloud-local' as const }))]);
    await eventually(() => host.connectedClients === 0, 'earlier connections to be gone');
    const { connection } = await connectMachine({ environ: twice, machineId: '0', clientKey });
    try {
      await eventually(() => host.connectedClients === 1, 'the loser to be closed');
    } finally {
      connection.close();
    }
    await eventually(() => host.connectedClients === 0, 'the winner to be closed');
  });

  it('tries an address again while its SSH server restarts, within the connect timeout', async () => {
    const relay = await startTcpRelay(controllerHost());
    try {
      await relay.cut();
      const restarting = reportingAddresses(environ, () => [{ value: relay.host, port: relay.port, scope: 'public' }]);
      const connecting = connectMachine({ environ: restarting, machineId: '0', clientKey, connectTimeoutMs: 10_000 });
      // Refused for a while, as between a server's death and its successor's start.
      setTimeout(() => void relay.listen(), 300);
      const { connection } = await connecting;
      try {
        assert.equal((await connection.exec({ command: 'echo back' })).stdout.toString(), 'back\n');
      } finally {
        connection.close();
      }
    } finally {
      await relay.stop();
    }
  });

  it('refuses unknown and malformed machine ids, naming the machines there are', async () => {
    await assert.rejects(connectMachine({ environ, machineId: '7', clientKey }), (error: unknown) => {
      assert.ok(isConfigError(error));
      assert.match((error as Error).message, /environment "cm" has no machine 7; its machines are: 0 \("envboot status cm" lists them\)/);
      return true;
    });
    for (const bad of ['x1', '01', '-1', '', '0 ']) {
      await assert.rejects(connectMachine({ environ, machineId: bad, clientKey }), (error: unknown) => {
        assert.ok(isConfigError(error), bad);
        assert.match((error as Error).message, /is not a machine id .*; environment "cm" has machines 0 /);
        return true;
      });
    }
  });

  it('reports a wrong host key rather than an unreachable address when every address fails', async () => {
    const impostor = await SshTestHost.start({ authorizedKeys: [clientKey.publicKey] });
    try {
      const refused: Address = { value: '127.0.0.1', port: await closedPort(), scope: 'public' };
      const wrongKey: Address = { value: impostor.hostname, port: impostor.port, scope: 'cloud-local' };
      const bad = reportingAddresses(environ, () => [wrongKey, refused]);
      // A refused address is tried again until the connect timeout: keep it short.
      await assert.rejects(connectMachine({ environ: bad, machineId: '0', clientKey, connectTimeoutMs: 1_000 }), (error: unknown) => {
        assert.ok(isHostKeyMismatch(error));
        assert.match((error as Error).message, new RegExp(`\\(tried 127\\.0\\.0\\.1:${refused.port}, 127\\.0\\.0\\.1:${impostor.port}\\)$`));
        return true;
      });
      const unreachable = reportingAddresses(environ, () => [refused]);
      await assert.rejects(connectMachine({ environ: unreachable, machineId: '0', clientKey, connectTimeoutMs: 1_000 }), isSshUnreachable);
    } finally {
      await impostor.stop();
    }
  });

  it('reports a machine with no address yet as INSTANCE_FAILED', async () => {
    const none = reportingAddresses(environ, () => [{ value: 'fe80::1', scope: 'link-local' }]);
    await assert.rejects(connectMachine({ environ: none, machineId: '0', clientKey }), (error: unknown) => {
      assert.ok(isInstanceFailed(error));
      assert.match((error as Error).message, /machine 0 \(instance fake-\d+, running\) has no address yet/);
      return true;
    });
  });

  it('is cancelled by its signal while an address hangs, closing the attempt', async () => {
    const tarpit = await silentListener('public');
    try {
      const silent = reportingAddresses(environ, () => [tarpit.address]);
      const controller = new AbortController();
      const pending = connectMachine({ environ: silent, machineId: '0', clientKey, connectTimeoutMs: 60_000, signal: controller.signal });
      await tarpit.until(() => tarpit.accepted > 0, 'the attempt to reach the tarpit');
      controller.abort();
      await assert.rejects(pending, isCancelled);
      await tarpit.until(() => tarpit.open === 0, 'the cancelled attempt to be closed');
      await assert.rejects(connectMachine({ environ, machineId: '0', clientKey, signal: controller.signal }), isCancelled);
    } finally {
      await tarpit.stop();
    }
  });
});

describe('connectMachine, the instance gone', () => {
  it('reports INSTANCE_FAILED and how to forget the machine', async () => {
    const environ = fakeEnvironment('gone');
    const { clientKey, controller } = await bootstrap({ environ });
    await environ.stopInstances({ ids: [controller.instance.id], waitUntilGone: true });
    await assert.rejects(connectMachine({ environ, machineId: '0', clientKey }), (error: unknown) => {
      assert.ok(isInstanceFailed(error));
      assert.match((error as Error).message, /machine 0's instance fake-\d+ no longer exists; "envboot remove-machine gone 0" forgets it/);
      return true;
    });
  });
});
