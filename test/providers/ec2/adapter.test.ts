import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { describe, it } from 'node:test';
import type { RunInstancesCommandInput } from '@aws-sdk/client-ec2';
import { createEc2Provider, ec2ProviderCalls, type Ec2StateLocation } from '../../../providers/ec2/index.js';
import {
  preflightEnviron,
  prepareEnviron,
  tearDownEnviron,
  capacityScope,
  hasConsoleOutput,
  isCapacityError,
  isCredentialsError,
  isZoneIndependent,
  machineTags,
  TagKey,
  type Environ,
  type EnvironmentIdentity,
} from '../../../src/index.js';
import { MemoryStorage } from '../../../storage/index.js';
import { InMemoryEc2 } from './in-memory-ec2.js';

// The ec2 provider as a third party would run it without AWS: its own EC2 adapter (here in
// memory, no HTTP, no SDK client) and its own storage, through createEc2Provider.
const region = 'us-east-1';
const fast = {
  retry: { retries: 3, minDelayMs: 1, maxDelayMs: 2 },
  timing: { terminatePollMs: { first: 1, max: 2 }, dependencyRetry: { firstMs: 1, maxMs: 2, totalMs: 50 }, listingMaxAgeMs: 0, consistencyRetry: { firstMs: 5, maxMs: 20, totalMs: 500 } },
};

async function openInMemory(environment: EnvironmentIdentity = { name: 'memory', uuid: randomUUID() }): Promise<{ environ: Environ; ec2: InMemoryEc2; storage: MemoryStorage; locations: Ec2StateLocation[] }> {
  const ec2 = new InMemoryEc2({ region });
  const storage = new MemoryStorage();
  const locations: Ec2StateLocation[] = [];
  const provider = createEc2Provider({
    ...fast,
    services: (params) => Promise.resolve({
      region: params.region ?? region,
      ec2,
      stateStorage: (location) => {
        locations.push(location);
        return storage;
      },
    }),
  });
  const checked = provider.validateConfig({ config: { region, bucket: 'state-bucket', prefix: 'envboot/', 'ssh-cidr': '192.0.2.0/24' } });
  assert.ok(checked.ok, 'the config is valid');
  const environ = await provider.open({ environment, config: checked.config, dataDir: tmpdir() });
  return { environ, ec2, storage, locations };
}

function start(environ: Environ, machineId: string, zone: string) {
  return environ.startInstance({ machineId, zone, constraints: {}, userData: new TextEncoder().encode('#cloud-config\n'), tags: machineTags(environ.environment, machineId) });
}

describe('the ec2 provider over an EC2 adapter of its own (in memory, no HTTP)', () => {
  it('preflights, prepares, starts, lists, reads the console, stops and tears down', async () => {
    const { environ, ec2, storage, locations } = await openInMemory();
    assert.equal(environ.storage(), storage, "provider-state's storage is the one the services gave");
    assert.deepEqual(locations, [{ bucket: 'state-bucket', prefix: 'envboot/memory/', createBucket: true }]);

    const preflight = await preflightEnviron(environ, {});
    assert.match(preflight.checks?.find((check) => check.name === 'region')?.detail ?? '', /^us-east-1: 3 zone\(s\) available \(us-east-1a, us-east-1b, us-east-1c\)$/);

    const prepared = await prepareEnviron(environ, {});
    assert.equal(prepared.created, true);
    const groupId = prepared.resources['security-group'] ?? '';
    const group = ec2.groups.get(groupId);
    assert.ok(group !== undefined, 'the security group is in the adapter');
    assert.ok(group.Tags?.some((tag) => tag.Key === TagKey.EnvironmentUuid && tag.Value === environ.environment.uuid), 'tagged as it was made');
    assert.ok(group.IpPermissions?.some((rule) => rule.FromPort === 22 && rule.IpRanges?.some((range) => range.CidrIp === '192.0.2.0/24')), 'SSH open to ssh-cidr');
    assert.equal((await prepareEnviron(environ, {})).created, false, 'prepare is idempotent');

    const { instance } = await start(environ, '0', 'us-east-1b');
    assert.equal(instance.zone, 'us-east-1b');
    assert.equal(instance.tags[TagKey.EnvironmentUuid], environ.environment.uuid);
    assert.equal(instance.tags['envboot-provider-state'], 's3://state-bucket/envboot/memory/');
    const run = ec2.calls.find((call) => call.action === 'RunInstances')?.input as (RunInstancesCommandInput & { ClientToken: string }) | undefined;
    assert.ok(run !== undefined);
    assert.match(run.ClientToken, /^[0-9a-f-]{36}$/, 'a ClientToken, so that a retried call never starts a second machine');
    assert.equal(run.MetadataOptions?.HttpTokens, 'required');
    assert.equal(run.ImageId, 'ami-00000000000002404', 'the newest Ubuntu LTS of the architecture');
    assert.deepEqual(run.SecurityGroupIds, [groupId]);

    const [listed, unknown] = await environ.instances({ ids: [instance.id, 'i-0000000000000000f'] });
    assert.ok(listed !== undefined);
    assert.equal(listed.id, instance.id);
    assert.deepEqual(listed.addresses.map((address) => address.scope), ['public', 'cloud-local']);
    assert.equal(unknown, undefined);
    assert.deepEqual((await environ.allInstances({})).map((live) => [live.id, live.status]), [[instance.id, 'running']]);

    assert.ok(hasConsoleOutput(environ));
    const output = await environ.consoleOutput({ id: instance.id, lines: 2 });
    assert.equal(output?.text, `cloud-init: booting ${instance.id}\nlogin: \n`);

    await environ.stopInstances({ ids: [instance.id], waitUntilGone: true });
    assert.equal(ec2.instances.get(instance.id)?.State?.Name, 'terminated');
    assert.deepEqual(await environ.allInstances({}), []);
    await environ.stopInstances({ ids: [instance.id] });

    const down = await tearDownEnviron(environ, {});
    assert.deepEqual(down.failures, []);
    assert.ok(down.removed.some((removed) => removed.includes(groupId)), `removed: ${down.removed.join(', ')}`);
    assert.equal(ec2.groups.size, 0);

    const listedCalls: readonly string[] = ec2ProviderCalls.ec2;
    for (const { action } of ec2.calls) assert.ok(listedCalls.includes(action), `${action} is missing from the IAM list`);
  });

  it("classifies the adapter's EC2 errors as envboot's: capacity is the zone's and not retried, throttling is retried, refused credentials stop", async () => {
    const { environ, ec2 } = await openInMemory();
    ec2.faults.noCapacityIn.add('us-east-1a');
    const runs = (): RunInstancesCommandInput[] => ec2.calls.filter((call) => call.action === 'RunInstances').map((call) => call.input as RunInstancesCommandInput);
    await assert.rejects(start(environ, '0', 'us-east-1a'), (error: unknown) => {
      assert.ok(isCapacityError(error), String(error));
      assert.ok(!isZoneIndependent(error));
      assert.deepEqual(capacityScope(error), { kind: 'instance-type', instanceType: runs()[0]?.InstanceType });
      assert.equal((error as { zone?: string }).zone, 'us-east-1a');
      return true;
    });
    assert.equal(runs().length, 1, 'an out-of-capacity answer is never retried in the same zone');
    const { instance } = await start(environ, '0', 'us-east-1c');
    assert.equal(instance.zone, 'us-east-1c');

    const listings = (): number => ec2.calls.filter((call) => call.action === 'DescribeInstances').length;
    const before = listings();
    ec2.faults.throttleNext = 2;
    assert.deepEqual((await environ.allInstances({})).map((live) => live.id), [instance.id]);
    assert.equal(listings() - before, 3, 'two throttled attempts, then the answer');

    const other = await openInMemory();
    other.ec2.faults.refuseCredentials = true;
    await assert.rejects(preflightEnviron(other.environ, {}), (error: unknown) => isCredentialsError(error) && isZoneIndependent(error));
  });
});
