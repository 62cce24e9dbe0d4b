import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import net from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { TestContext } from 'node:test';
import { renderUserData, type CloudConfig } from '../../../cloudinit/index.js';
import {
  tearDownEnviron,
  preflightEnviron,
  connectSsh,
  generateSshKeyPair,
  isZoned,
  type Address,
  type Instance,
  type SshConnection,
  type SshKeyPair,
  type ZonedEnviron,
} from '../../../src/index.js';
import { localProvider } from '../../../providers/local/index.js';
import { requireTool } from '../../helpers/require-tool.js';

/** The client key every test machine trusts. */
export const client: SshKeyPair = generateSshKeyPair({ comment: 'local-provider-test' });

/** A machine's secrets and its user-data, built as the real bootstrap builds them. */
export interface TestUserData {
  readonly hostKey: SshKeyPair;
  readonly nonce: string;
  readonly userData: Uint8Array;
}

export function machineUserData(extra: CloudConfig = {}): TestUserData {
  const hostKey = generateSshKeyPair({ comment: 'local-provider-test-host' });
  const nonce = randomBytes(16).toString('hex');
  const config: CloudConfig = {
    ssh_authorized_keys: [client.publicKey],
    ssh_keys: { ed25519_private: hostKey.privateKey, ed25519_public: hostKey.publicKey },
    write_files: [{ path: '/var/lib/envboot/nonce', content: nonce, permissions: '0600', defer: true }],
    ...extra,
  };
  return { hostKey, nonce, userData: renderUserData(config, { gzip: true }).body };
}

/**
 * Opens a local environment on `dataDir`, or skips the test where this host cannot make
 * sandboxes (never in CI: `requireTool` fails there instead).
 */
export async function openLocal(
  t: TestContext,
  params: { dataDir: string; uuid?: string; config?: unknown },
): Promise<ZonedEnviron | undefined> {
  if (requireTool(t, 'unshare', 'local machines are user namespaces') === undefined) return undefined;
  if (requireTool(t, 'nsenter', 'commands enter the machines with it') === undefined) return undefined;
  const checked = localProvider.validateConfig({ config: params.config });
  assert.ok(checked.ok, JSON.stringify(checked));
  const environ = await localProvider.open({
    environment: { name: 'local-test', uuid: params.uuid ?? randomUUID() },
    config: checked.config,
    dataDir: params.dataDir,
  });
  assert.ok(isZoned(environ), 'the local provider has zones');
  try {
    await preflightEnviron(environ, {});
  } catch (error) {
    // CI has user namespaces and must not skip.
    if (process.env['CI'] === 'true') throw error;
    t.skip(`local machines are not possible on this host: ${(error as Error).message}`);
    return undefined;
  }
  return environ;
}

/**
 * A fresh data directory (`nested` makes it a not-yet-existing child of the temporary
 * directory) and an environment on it, torn down and removed, in that order, when the
 * test ends: removing the directory first would leave the machines to the agent's
 * safety net.
 */
export async function openEnvironment(
  t: TestContext,
  params: { prefix: string; nested?: boolean; uuid?: string; config?: unknown },
): Promise<{ environ: ZonedEnviron; dataDir: string } | undefined> {
  const root = await mkdtemp(path.join(tmpdir(), params.prefix));
  const dataDir = params.nested === true ? path.join(root, 'env') : root;
  const environ = await openLocal(t, { dataDir, ...(params.uuid === undefined ? {} : { uuid: params.uuid }), config: params.config });
  t.after(async () => {
    try {
      if (environ !== undefined) await tearDownEnviron(environ, {});
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
  return environ === undefined ? undefined : { environ, dataDir };
}

/** Polls until the instance leaves `pending` (10 s at most). */
export async function waitUntilBooted(environ: ZonedEnviron, id: string): Promise<Instance> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const [instance] = await environ.instances({ ids: [id] });
    assert.ok(instance !== undefined, `instance ${id} vanished`);
    if (instance.status !== 'pending') return instance;
    assert.ok(Date.now() < deadline, `instance ${id} still pending after 10 s`);
    await sleep(20);
  }
}

export function sshTo(address: Address, hostKey: SshKeyPair): Promise<SshConnection> {
  return connectSsh({ host: address.value, port: address.port ?? 22, user: 'root', privateKey: client.privateKey, hostKeys: [hostKey.publicKey] });
}

/** Runs one command on the machine; stdout and stderr together. */
export async function run(address: Address, hostKey: SshKeyPair, command: string): Promise<{ code: number | undefined; out: string }> {
  const connection = await sshTo(address, hostKey);
  try {
    const result = await connection.exec({ command });
    return { code: result.exitCode, out: result.stdout.toString() + result.stderr.toString() };
  } finally {
    connection.close();
  }
}

/** True when nothing listens on the address any more. */
export { connectionRefused as refused } from '../../helpers/connection-refused.js';


/** The holder process recorded for a machine (the `unshare` whose death ends the machine). */
export async function holderPid(dataDir: string, id: string): Promise<number> {
  const record = JSON.parse(await readFile(path.join(dataDir, 'machines', id, 'machine.json'), 'utf8')) as { holder?: { pid: number } };
  assert.ok(record.holder !== undefined, `machine ${id} has no holder`);
  return record.holder.pid;
}

/** The agent's pid, from `agent.json`. */
export async function agentPid(dataDir: string): Promise<number> {
  return (JSON.parse(await readFile(path.join(dataDir, 'agent.json'), 'utf8')) as { pid: number }).pid;
}

/**
 * For tests that use what an earlier test of the file made (a machine, an environment):
 * true when it exists. Otherwise that test was skipped (no sandboxes outside CI; this one
 * is skipped too, saying so) or failed; in CI that is a failure here as well, never a skip.
 */
export function madeEarlier<T>(t: TestContext, value: T | undefined, what: string): value is T {
  if (value !== undefined) return true;
  const message = `${what} from the earlier test is missing (it was skipped or failed)`;
  if (process.env['CI'] === 'true') throw new Error(message);
  t.skip(message);
  return false;
}

/** Serves a machine's SSH server on a loopback port of its own; both are closed when the test ends. */
export async function serveMachineSsh(t: TestContext, ssh: { accept(socket: net.Socket): void; close(): void }): Promise<number> {
  const server = net.createServer((socket) => { ssh.accept(socket); });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => {
    ssh.close();
    server.close();
  });
  return (server.address() as net.AddressInfo).port;
}
