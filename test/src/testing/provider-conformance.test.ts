import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, describe, it } from 'node:test';
import { generateSshKeyPair, machineTags, machineUserData } from '../../../src/index.js';
import type { Environ } from '../../../src/index.js';
import { createFakeProvider, type FakeEnviron, type FakeProvider, type ProviderFixture } from '../../../src/testing/index.js';
import { assertCleanEnvironment, describeProviderConformance } from '../../../src/testing/provider-conformance.js';
import { coreOnly } from '../../fakes/environs.js';

const fake = createFakeProvider();
after(() => fake.close());

const fastWait = { timeoutMs: 20_000, tunables: { refreshMinMs: 5, refreshMaxMs: 20, connectTimeoutMs: 2_000 } };

function freshEnviron(): FakeEnviron {
  return fake.openEnviron({ name: 'conformance', uuid: randomUUID() });
}

/** A fixture on `provider`: a fresh environment, reopened as another process would (the fake keeps one environ per UUID). */
function fixtureOn(provider: FakeProvider, view: (environ: FakeEnviron) => Environ = (environ) => environ, name = 'conformance'): ProviderFixture {
  const environ = provider.openEnviron({ name, uuid: randomUUID() });
  return { environ: view(environ), reopen: () => Promise.resolve(view(provider.openEnviron(environ.environment))) };
}

/** Fills `zone` of the fake environ behind `environ` (its `faults.capacityZones`) until restored. */
function refuseZoneOn(provider: FakeProvider): (environ: Environ, zone: string) => Promise<() => Promise<void>> {
  return (environ, zone) => {
    const { faults } = provider.openEnviron(environ.environment);
    faults.capacityZones.add(zone);
    return Promise.resolve(() => {
      faults.capacityZones.delete(zone);
      return Promise.resolve();
    });
  };
}

describeProviderConformance({
  name: 'fake',
  open: () => Promise.resolve(fixtureOn(fake)),
  census: fake.census,
  provider: fake.provider,
  refuseZone: refuseZoneOn(fake),
  waitSsh: fastWait,
  goneTimeoutMs: 5_000,
});

describeProviderConformance({
  name: 'fake, core contract only (no zones, no instance types)',
  open: () => Promise.resolve(fixtureOn(fake, (environ) => coreOnly(environ))),
  census: fake.census,
  provider: fake.provider,
  refuseZone: refuseZoneOn(fake),
  waitSsh: fastWait,
  goneTimeoutMs: 5_000,
});

// The same checks when the machines are a cloud image's: the SSH user is the non-root
// default user with sudo, root is refused, the nonce is root's (a private /etc: needs root).
const cloudImage = process.getuid?.() === 0 || process.env['CI'] === 'true' ? createFakeProvider({ defaultUser: 'debian' }) : undefined;
if (cloudImage !== undefined) {
  after(() => cloudImage.close());
  describeProviderConformance({
    name: "fake, machines logged into as a cloud image's default user",
    open: () => Promise.resolve(fixtureOn(cloudImage, undefined, 'conformance-cloud-user')),
    census: cloudImage.census,
    provider: cloudImage.provider,
    refuseZone: refuseZoneOn(cloudImage),
    waitSsh: fastWait,
    goneTimeoutMs: 5_000,
  });
}

describe('provider conformance kit', () => {
  it('refuses an environment that already has instances, naming them, and leaves them running', async () => {
    const environ = freshEnviron();
    const client = generateSshKeyPair({ comment: 'dirty-environment-test' });
    const { userData } = machineUserData({ clientPublicKey: client.publicKey, machineId: '7', capabilities: environ.capabilities });
    const { instance } = await environ.startInstance({ machineId: '7', constraints: {}, userData, tags: machineTags(environ.environment, '7') });
    try {
      await assert.rejects(assertCleanEnvironment(environ), (error: Error) => {
        assert.match(error.message, new RegExp(`environment conformance \\(${environ.environment.uuid}\\) on fake already has 1 instance\\(s\\): ${instance.id} \\(`));
        assert.match(error.message, /refuses to run on an environment that has instances and deletes none of them/);
        return true;
      });
      assert.deepEqual((await environ.allInstances({})).map((i) => i.id), [instance.id], 'the kit stopped an instance it did not start');
    } finally {
      await environ.stopInstances({ ids: [instance.id], waitUntilGone: true });
    }
  });

  it('passes an environment without instances', async () => {
    await assertCleanEnvironment(freshEnviron());
  });
});
