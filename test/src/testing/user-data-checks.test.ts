import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, describe, it, type TestContext } from 'node:test';
import { generateSshKeyPair, NotFoundError, type Environ, type UserDataEnviron } from '../../../src/index.js';
import { createFakeProvider, type FakeEnviron } from '../../../src/testing/index.js';
import type { CheckContext } from '../../../src/testing/provider-conformance/params.js';
import { checkUserData } from '../../../src/testing/provider-conformance/user-data-checks.js';
import { coreOnly } from '../../fakes/environs.js';

const fake = createFakeProvider();
after(() => fake.close());

type UserDataParams = Parameters<UserDataEnviron['instanceUserData']>[0];
/** How a test provider answers instanceUserData, given its own environ and what every start got, by instance id. */
type UserDataBehaviour = (own: FakeEnviron, params: UserDataParams, everStarted: ReadonlyMap<string, Uint8Array>) => Promise<Uint8Array | undefined>;

/** The fake's own: what the contract asks. */
const honest: UserDataBehaviour = (own, params) => own.instanceUserData(params);
/** Every instance of the cloud, whichever environment started it. */
const ignoresOwnership: UserDataBehaviour = async (own, params, everStarted) => (await own.instanceUserData(params)) ?? everStarted.get(params.id);
const inventsUserData: UserDataBehaviour = () => Promise.resolve(Buffer.from('#cloud-config\n'));
const throwsForUnknown: UserDataBehaviour = async (own, params) => (await own.instanceUserData(params)) ?? Promise.reject(new NotFoundError(`no instance ${params.id}`));
const ignoresSignal: UserDataBehaviour = (own, params) => own.instanceUserData({ id: params.id });
/** Hands back the decompressed document, as a provider that "helpfully" decodes would. */
const decodes: UserDataBehaviour = async (own, params) => {
  const bytes = await own.instanceUserData(params);
  return bytes === undefined ? undefined : new Uint8Array((await import('node:zlib')).gunzipSync(bytes));
};

/** A fake provider's environment, core contract only, with `behaviour` as its user-data ability. */
function userDataProvider(behaviour: UserDataBehaviour | undefined): () => Environ {
  const everStarted = new Map<string, Uint8Array>();
  return () => {
    const own = fake.openEnviron({ name: 'user-data-check', uuid: randomUUID() });
    const environ = coreOnly(own, {
      startInstance: async (params) => {
        const started = await own.startInstance(params);
        everStarted.set(started.instance.id, params.userData);
        return started;
      },
    });
    if (behaviour === undefined) return environ;
    const withUserData: UserDataEnviron = { ...environ, instanceUserData: (params) => behaviour(own, params, everStarted) };
    return withUserData;
  };
}

/** Runs the check the way the kit's runner does, on a fresh environment; returns what `t.skip` was told, if anything. */
async function runCheck(open: () => Environ): Promise<{ skipped?: string }> {
  const skipped: string[] = [];
  const t = { skip: (message?: string) => skipped.push(message ?? ''), diagnostic: () => undefined } as unknown as TestContext;
  const environ = open();
  const context: CheckContext = {
    environ,
    fixture: { environ, reopen: () => Promise.resolve(environ) },
    params: { name: 'user-data', open: () => Promise.resolve({ environ: open(), reopen: () => Promise.resolve(environ) }) },
    clientKey: generateSshKeyPair({ comment: 'user-data-check-test' }),
    t,
  };
  try {
    await checkUserData(context);
  } finally {
    assert.deepEqual(await environ.allInstances({}), [], 'the check left an instance running');
  }
  return skipped.length === 0 ? {} : { skipped: skipped.join('; ') };
}

describe('provider conformance kit: the user-data check', () => {
  it("passes a provider that gives back its own instances' user-data byte for byte and honours the signal", async () => {
    assert.deepEqual(await runCheck(userDataProvider(honest)), {});
  });

  it('skips a provider without the user-data ability, saying so', async () => {
    assert.deepEqual(await runCheck(userDataProvider(undefined)), { skipped: 'fake has no user-data ability (instanceUserData): nothing to check' });
  });

  const broken: readonly [string, UserDataBehaviour, RegExp][] = [
    ['user-data for an id that does not exist', inventsUserData, /instanceUserData of the unknown id envboot-conformance-no-such-instance must be undefined/],
    ['an error for an unknown id', throwsForUnknown, /instanceUserData of envboot-conformance-no-such-instance threw NOT_FOUND: .*is undefined, not an error/],
    ['user-data that ignores the signal', ignoresSignal, /instanceUserData with an already-aborted signal resolved: it must reject with CANCELLED/],
    ['decoded user-data', decodes, /returned \d+ bytes that differ from the \d+ startInstance got: return them byte for byte/],
    ["another environment's user-data", ignoresOwnership, /another environment \([0-9a-f-]+\) was given the user-data of instance .*: instanceUserData must answer only for instances carrying its own environment's tag/],
  ];
  for (const [what, behaviour, message] of broken) {
    it(`fails a provider that gives ${what}, saying which rule broke and how to fix it`, async () => {
      await assert.rejects(runCheck(userDataProvider(behaviour)), (error: Error) => {
        assert.match(error.message, message);
        return true;
      });
    });
  }
});
