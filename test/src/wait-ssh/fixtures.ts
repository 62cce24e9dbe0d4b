import { generateSshKeyPair, type Address, type InstanceView, type RefreshableInstance, type SshKeyPair } from '../../../src/index.js';
import { SshTestHost, closedPort, startTarpit, type Tarpit } from '../../../src/testing/index.js';

/** An instance whose view the test changes as it goes (addresses appearing, status). */
export function scriptedInstance(initial: InstanceView = { status: 'pending', addresses: [] }): RefreshableInstance & { view: InstanceView } {
  const instance = {
    id: 'i-test',
    view: initial,
    refresh: () => Promise.resolve(instance.view),
  };
  return instance;
}

export function loopback(host: { hostname: string; port: number }, scope: Address['scope'] = 'public'): Address {
  return { value: host.hostname, port: host.port, scope };
}

/**
 * One machine envboot waits for, with a twin for each way a wrong machine can answer:
 * same host key but another nonce, same host key but no nonce yet, and the right nonce
 * and host key but refusing the client key. Plus an impostor with another host key.
 */
export interface MachineWithTwins {
  readonly hostKey: SshKeyPair;
  readonly nonce: string;
  readonly right: SshTestHost;
  readonly wrongNonce: SshTestHost;
  readonly noNonce: SshTestHost;
  readonly refusesKey: SshTestHost;
  readonly impostor: SshTestHost;
  stop(): Promise<void>;
}

export async function machineWithTwins(client: SshKeyPair, index: number, loopbackHost = '127.0.0.1'): Promise<MachineWithTwins> {
  const hostKey = generateSshKeyPair({ comment: `machine-${index}` });
  const nonce = `nonce-${index}-${Math.random().toString(16).slice(2)}`;
  const stranger = generateSshKeyPair();
  const base = { host: loopbackHost, hostKey, authorizedKeys: [client.publicKey] };
  const hosts = await Promise.all([
    SshTestHost.start({ ...base, nonce }),
    SshTestHost.start({ ...base, nonce: `${nonce}-other` }),
    SshTestHost.start(base),
    SshTestHost.start({ ...base, nonce, authorizedKeys: [stranger.publicKey] }),
    SshTestHost.start({ host: loopbackHost, nonce, authorizedKeys: [client.publicKey] }),
  ]);
  const [right, wrongNonce, noNonce, refusesKey, impostor] = hosts;
  return {
    hostKey,
    nonce,
    right,
    wrongNonce,
    noNonce,
    refusesKey,
    impostor,
    stop: async () => {
      await Promise.all(hosts.map((h) => h.stop()));
    },
  };
}

/** Addresses that never answer SSH: a refused port and a tarpit. */
export async function deadAddresses(): Promise<{ refused: Address; tarpit: Address; stop(): Promise<void> }> {
  const tarpit: Tarpit = await startTarpit();
  return {
    refused: { value: '127.0.0.1', port: await closedPort(), scope: 'cloud-local' },
    tarpit: { value: tarpit.host, port: tarpit.port, scope: 'public' },
    stop: () => tarpit.stop(),
  };
}
