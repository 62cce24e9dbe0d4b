import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, describe } from 'node:test';
import { connectSsh, type FlowEvent, type InstanceType, type ProvisionedMachine, type SshConnection, type SshKeyPair } from '../../../src/index.js';
import { createFakeProvider, fakeInstanceTypes, type FakeEnviron } from '../../../src/testing/index.js';

/**
 * The two kinds of machine every flow runs against: one that runs everything as this
 * process's user (root in CI), and one like a cloud image, whose SSH user is the non-root
 * default user with passwordless sudo, root refused, the nonce root's (needs root).
 */
export const machineKinds = [
  { name: 'machines logged into as root', defaultUser: undefined },
  { name: "machines logged into as a cloud image's default user (non-root, sudo)", defaultUser: 'debian' },
] as const;

export type MachineKind = (typeof machineKinds)[number];

/** Runs `body` once per machine kind, each in a describe of its own. */
export function describeForEachMachineKind(title: string, body: (kind: MachineKind) => void): void {
  for (const kind of machineKinds) {
    // A cloud image's user needs a private /etc, which only root can make. CI runs as root;
    // elsewhere the kind is skipped, saying why.
    const skip = kind.defaultUser !== undefined && process.getuid?.() !== 0 && process.env['CI'] !== 'true';
    describe(`${title} (${kind.name})`, skip ? { skip: 'needs root: a cloud image user lives in a private /etc' } : {}, () => {
      body(kind);
    });
  }
}

/** A type the fake cloud offers in zone-b only, as EC2 offers a new type in some zones first. */
export const onlyInZoneB: InstanceType = { name: 'only-b', arch: 'amd64', cores: 8, memoryMiB: 32_768, maxRootDiskMiB: 1_048_576, pricePerHour: 0.5, zones: ['zone-b'] };

/** A fresh environment on a fresh fake cloud (its catalogue the default one plus `onlyInZoneB`), closed when the test file ends. */
export function fakeEnvironment(name = 'test', kind?: MachineKind): FakeEnviron {
  const fake = createFakeProvider({ defaultUser: kind?.defaultUser, instanceTypes: [...fakeInstanceTypes, onlyInZoneB] });
  after(() => fake.close());
  return fake.openEnviron({ name, uuid: randomUUID() });
}

/** Asserts the environment owns nothing: no instance, no provider-state, no shared resource. */
export async function assertNothingLeft(environ: FakeEnviron): Promise<void> {
  assert.deepEqual((await environ.allInstances({})).map((i) => i.id), [], 'instances left running');
  assert.deepEqual((await environ.storage().list({})).objects.map((o) => o.key), [], 'objects left in storage');
  assert.equal((await environ.prepare({})).created, true, 'the shared resources were left behind');
  await environ.teardown({});
}

/** Logs in to a provisioned machine as `user` with `key`, its host key pinned. */
export function connectTo(machine: ProvisionedMachine, key: SshKeyPair, user: string): Promise<SshConnection> {
  return connectSsh({
    host: machine.connectedAddress.value,
    port: machine.connectedAddress.port ?? 22,
    user,
    privateKey: key.privateKey,
    hostKeys: machine.hostKeys,
  });
}

/** Runs a command on a provisioned machine over SSH, pinning its host key. */
export async function runOn(machine: ProvisionedMachine, clientKey: SshKeyPair, user: string, command: string): Promise<string> {
  const connection = await connectTo(machine, clientKey, user);
  try {
    const result = await connection.exec({ command });
    assert.equal(result.exitCode, 0, result.stderr.toString());
    return result.stdout.toString();
  } finally {
    connection.close();
  }
}

/** Collects events, and calls `on` for each as it arrives. */
export function recorder(on?: (event: FlowEvent) => void): { events: FlowEvent[]; onEvent: (event: FlowEvent) => void } {
  const events: FlowEvent[] = [];
  return {
    events,
    onEvent: (event) => {
      events.push(event);
      on?.(event);
    },
  };
}
