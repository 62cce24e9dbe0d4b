import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, afterEach, describe, it, type TestContext } from 'node:test';
import { parseUserData } from '../../../cloudinit/index.js';
import { ConfigError, generateSshKeyPair, type Environ, type Instance, type Provider, type StartInstanceParams, type ZonedEnviron } from '../../../src/index.js';
import { createFakeProvider, SshTestHost, type FakeEnviron, type ProviderConformanceParams } from '../../../src/testing/index.js';
import { checkConfigValidation } from '../../../src/testing/provider-conformance/config-checks.js';
import { checkStoppedMeansGone } from '../../../src/testing/provider-conformance/gone-checks.js';
import { checkOwnershipIsolation } from '../../../src/testing/provider-conformance/ownership-checks.js';
import type { CheckBody, CheckContext } from '../../../src/testing/provider-conformance/params.js';
import { checkSurvivesReopen } from '../../../src/testing/provider-conformance/reopen-checks.js';
import { checkZoneCapacity } from '../../../src/testing/provider-conformance/zone-capacity-checks.js';
import { coreOnly } from '../../fakes/environs.js';

const fake = createFakeProvider();
after(() => fake.close());

/** How a deliberately broken provider differs from the fake: methods replacing its own, given its environ. */
type Breakage = (own: FakeEnviron) => Partial<Environ>;

/** Lists every live machine of the cloud, whatever environment it belongs to. */
const listsOtherEnvironments: Breakage = () => ({
  allInstances: async () => (await fake.census.live()).flatMap((id) => machineView(id)),
});

/** Stops whatever ids it is given, another environment's too. */
const stopsOtherEnvironments: Breakage = () => ({
  stopInstances: (params) => fake.census.stop(params.ids),
});

/** "Stops" by dropping the machine from its listings; the machine runs on. */
const forgetsWithoutStopping: Breakage = (own) => {
  const forgotten = new Set<string>();
  return {
    stopInstances: (params) => {
      for (const id of params.ids) forgotten.add(id);
      return Promise.resolve();
    },
    allInstances: async (params) => (await own.allInstances(params)).filter((instance) => !forgotten.has(instance.id)),
    instances: async (params) => (await own.instances(params)).map((instance) => (instance !== undefined && forgotten.has(instance.id) ? undefined : instance)),
  };
};

/** SSH servers left answering by `keepsAnsweringSsh`, stopped after each test. */
const lingering: SshTestHost[] = [];

/** Stops the machine, but an SSH server with its host key and keys stays on its address (a process the stop missed). */
const keepsAnsweringSsh: Breakage = (own) => {
  const keys = new Map<string, { hostKey: { privateKey: string; publicKey: string }; authorizedKeys: readonly string[] }>();
  return {
    startInstance: async (params: StartInstanceParams) => {
      const started = await own.startInstance(params);
      const config = parseUserData(params.userData);
      const { ed25519_private: privateKey = '', ed25519_public: publicKey = '' } = config.ssh_keys ?? {};
      keys.set(started.instance.id, { hostKey: { privateKey, publicKey }, authorizedKeys: config.ssh_authorized_keys ?? [] });
      return started;
    },
    stopInstances: async (params) => {
      const ports = new Map(params.ids.flatMap((id) => own.machines().filter((m) => m.id === id && m.host !== undefined).map((m) => [id, m.host?.port ?? 0] as const)));
      await own.stopInstances({ ...params, waitUntilGone: true });
      for (const [id, port] of ports) {
        const machine = keys.get(id);
        if (machine !== undefined) lingering.push(await SshTestHost.start({ ...machine, port }));
      }
    },
  };
};

/** Machine `id` as the cloud reports it, whatever its environment; none when there is no such machine. */
function machineView(id: string): Instance[] {
  const machine = [...fake.environs.values()].flatMap((environ) => environ.machines()).find((m) => m.id === id);
  return machine === undefined ? [] : [machine.view()];
}

/** The fake's environ as a provider with `breakage` would show it: core contract only, plus zones when `zoned`. */
function viewOf(own: FakeEnviron, breakage: Breakage | undefined, zoned: boolean): Environ {
  if (breakage === undefined) return own;
  const core = coreOnly(own, breakage(own));
  if (!zoned) return core;
  const withZones: ZonedEnviron = {
    ...core,
    availabilityZones: (params) => own.availabilityZones(params),
    instanceZones: (params) => own.instanceZones(params),
    deriveZones: (params) => own.deriveZones(params),
  };
  return withZones;
}

interface RunParams {
  readonly breakage?: Breakage;
  readonly zoned?: boolean;
  readonly extra?: Partial<ProviderConformanceParams>;
}

/**
 * Runs `check` as the kit's runner does, on a fresh environment of a provider broken by
 * `breakage`, with the fake's census; then stops every machine the run left, whatever the
 * provider did. Returns what `t.skip` was told, if anything.
 */
async function runCheck(check: CheckBody, run: RunParams = {}): Promise<{ skipped?: string }> {
  const skipped: string[] = [];
  const t = { skip: (message?: string) => skipped.push(message ?? ''), diagnostic: () => undefined } as unknown as TestContext;
  const open = () => {
    const own = fake.openEnviron({ name: 'kit-check', uuid: randomUUID() });
    const reopen = (): Promise<Environ> => Promise.resolve(viewOf(fake.openEnviron(own.environment), run.breakage, run.zoned === true));
    return { environ: viewOf(own, run.breakage, run.zoned === true), reopen };
  };
  const fixture = open();
  const params: ProviderConformanceParams = { name: 'kit-check', open: () => Promise.resolve(open()), census: fake.census, goneTimeoutMs: 1_000, ...run.extra };
  const context: CheckContext = { environ: fixture.environ, fixture, params, clientKey: generateSshKeyPair({ comment: 'kit-checks-test' }), t };
  const before = new Set(await fake.census.live());
  try {
    await check(context);
  } finally {
    const left = (await fake.census.live()).filter((id) => !before.has(id));
    await fake.census.stop(left);
    if (run.breakage === undefined) assert.deepEqual(left, [], 'the check left machines running on an honest provider');
  }
  return skipped.length === 0 ? {} : { skipped: skipped.join('; ') };
}

afterEach(async () => {
  await Promise.all(lingering.splice(0).map((host) => host.stop()));
});

async function assertFails(check: CheckBody, run: RunParams, ...messages: RegExp[]): Promise<void> {
  await assert.rejects(runCheck(check, run), (error: Error) => {
    for (const message of messages) assert.match(error.message, message);
    return true;
  });
}

/** Refuses starts in a zone through the fake's faults, as the conformance suite's `refuseZone` does. */
function refuseZone(environ: Environ, zone: string): Promise<() => Promise<void>> {
  const { faults } = fake.openEnviron(environ.environment);
  faults.capacityZones.add(zone);
  return Promise.resolve(() => Promise.resolve(void faults.capacityZones.delete(zone)));
}

describe('provider conformance kit: the checks of the second edition', () => {
  for (const [name, check] of [
    ['ownership isolation', checkOwnershipIsolation],
    ['stopped means gone', checkStoppedMeansGone],
    ['survives the process', checkSurvivesReopen],
  ] as const) {
    it(`${name} passes the fake provider and leaves nothing running`, async () => {
      assert.deepEqual(await runCheck(check), {});
    });
  }

  it('fails a provider whose allInstances lists other environments\' machines, naming the ownership rule', async () => {
    await assertFails(
      checkOwnershipIsolation,
      { breakage: listsOtherEnvironments },
      /allInstances of environment kit-check \([0-9a-f-]+\) lists instance fake-\d+ of another environment: list only instances carrying this environment's tag \(isOwnedBy\)/,
    );
  });

  it("fails a provider whose stopInstances stops another environment's machine given its id", async () => {
    await assertFails(
      checkOwnershipIsolation,
      { breakage: stopsOtherEnvironments },
      /stopInstances\(\{ ids: \[fake-\d+\] \}\) of environment kit-check \([0-9a-f-]+\) stopped instance fake-\d+ of environment kit-check \([0-9a-f-]+\): stop only instances carrying this environment's tag/,
    );
  });

  it('fails a provider whose stop forgets the machine without stopping it: its SSH answers, the census counts it', async () => {
    await assertFails(
      checkStoppedMeansGone,
      { breakage: forgetsWithoutStopping },
      /returned but 127\.0\.0\.1:\d+ still answers SSH with the machine's host key 1 s later: stop must end the machine, not only forget it/,
      /the census still counts fake-\d+ as live 1 s later/,
    );
  });

  it('fails a provider whose machine keeps answering SSH after its stop', async () => {
    await assertFails(checkStoppedMeansGone, { breakage: keepsAnsweringSsh }, /returned but 127\.0\.0\.1:\d+ still answers SSH with the machine's host key 1 s later: stop must end the machine/);
  });

  it('skips the zone check without refuseZone, and passes the fake with it', async () => {
    assert.match((await runCheck(checkZoneCapacity)).skipped ?? '', /^give `refuseZone`/);
    assert.deepEqual(await runCheck(checkZoneCapacity, { extra: { refuseZone } }), {});
  });

  it('fails a provider that reports a full zone as a zone-independent error', async () => {
    const configForCapacity: Breakage = (own) => ({
      startInstance: (params) => own.startInstance(params).catch((error: unknown) => Promise.reject(new ConfigError('zone full', { cause: error }))),
    });
    await assertFails(checkZoneCapacity, { breakage: configForCapacity, zoned: true, extra: { refuseZone } }, /bootstrap with zone zone-a full failed .*must fail with CAPACITY_UNAVAILABLE/);
  });

  it('skips config validation without a provider, and passes the fake provider', async () => {
    assert.deepEqual(await runCheck(checkConfigValidation), { skipped: 'give `provider` to check validateConfig' });
    const invalidConfigs = [{ config: { zones: [''], colour: 1 }, paths: ['zones[0]', 'colour'] }];
    assert.deepEqual(await runCheck(checkConfigValidation, { extra: { provider: fake.provider, invalidConfigs } }), {});
  });

  it('fails a validateConfig that throws, stops at the first problem or accepts unknown keys', async () => {
    const firstProblemOnly: Pick<Provider, 'name' | 'validateConfig'> = {
      name: 'sloppy',
      validateConfig: ({ config }) => {
        if (typeof config !== 'object') throw new Error('not an object');
        const zones = (config as { zones?: unknown } | null)?.zones;
        return zones === undefined || Array.isArray(zones) ? { ok: true, config } : { ok: false, problems: [{ path: 'zones', message: 'must be a list' }] };
      },
    };
    const invalidConfigs = [{ config: { zones: 'a', colour: 1 }, paths: ['zones', 'colour'] }];
    await assertFails(
      checkConfigValidation,
      { extra: { provider: firstProblemOnly, invalidConfigs } },
      /validateConfig of sloppy must refuse a bad config with every problem at once/,
      /it threw for the number 42 \(not an object\): return \{ ok: false, problems \} instead/,
      /it accepted an unknown key \(no-such-key-xyz\): refuse it with ok: false/,
      /for invalidConfigs\[0\] it reported paths \["zones"\], missing \["colour"\]: report every problem in one pass/,
    );
  });
});
