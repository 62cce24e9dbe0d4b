import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { shareCredentials, type CredentialProvider } from '../../../providers/ec2/shared-credentials.js';

type Identity = Awaited<ReturnType<CredentialProvider>>;

const minute = 60_000;
const start = Date.parse('2024-05-01T12:00:00Z');

/** A clock that moves only when the test moves it. */
interface ControlledClock {
  readonly now: () => number;
  advance(ms: number): void;
}

function controlledClock(): ControlledClock {
  let ms = start;
  return {
    now: () => ms,
    advance: (by) => {
      ms += by;
    },
  };
}

/** The access key id of the n-th lookup's credentials (from 1). */
function keyOf(n: number): string {
  return `ASIAFAKESESSION0000${n}`;
}

/** The n-th lookup's credentials, a session that ends at `expiresAt`; without it, long-term keys. */
function session(n: number, expiresAt: number | undefined): Identity {
  return {
    accessKeyId: keyOf(n),
    secretAccessKey: `secret-${n}`,
    ...(expiresAt === undefined ? {} : { sessionToken: `token-${n}`, expiration: new Date(expiresAt) }),
  };
}

/** The answer a lookup settles with: credentials, or the error the lookup fails with. */
type Answer = Identity | Error;

/**
 * A credential provider that counts its lookups and records the properties each was given.
 * Each lookup stays pending until `settle` is called, so that a test decides which callers
 * arrive while it runs; `answer(n)` says what the n-th lookup (from 1) settles with.
 */
interface CountingProvider {
  readonly provider: CredentialProvider;
  readonly lookups: number;
  readonly properties: readonly unknown[];
  /** Settles every lookup still pending, and lets the callers waiting on them run. */
  settle(): Promise<void>;
}

function countingProvider(answer: (n: number) => Answer): CountingProvider {
  const properties: unknown[] = [];
  const pending: Array<() => void> = [];
  const provider: CredentialProvider = (given) => {
    properties.push(given);
    const n = properties.length;
    return new Promise<Identity>((resolve, reject) => {
      pending.push(() => {
        const result = answer(n);
        if (result instanceof Error) reject(result);
        else resolve(result);
      });
    });
  };
  return {
    provider,
    get lookups() {
      return properties.length;
    },
    properties,
    async settle() {
      for (const run of pending.splice(0)) run();
      // Lets the promise chains of the waiting callers (and the provider's own bookkeeping) finish.
      await new Promise((resolve) => setImmediate(resolve));
    },
  };
}

/** Calls the shared provider and settles whatever lookup that started, as a caller alone would see it. */
async function call(shared: CredentialProvider, fake: CountingProvider): Promise<Identity> {
  const state: { done: boolean } = { done: false };
  const observed = shared().finally(() => {
    state.done = true;
  });
  // A caller may await the cached credentials before it decides to renew: settle until it is done.
  while (!state.done) await fake.settle();
  return observed;
}

/** Each caller's error, or `fulfilled`. */
function reasons(outcomes: readonly PromiseSettledResult<Identity>[]): unknown[] {
  return outcomes.map((o): unknown => (o.status === 'rejected' ? o.reason : o.status));
}

interface RenewalCase {
  readonly name: string;
  /** How long the first credentials are valid after they were looked up; absent: they never expire. */
  readonly lifetime?: number;
  /** How far the clock moves between the first call and the second. */
  readonly later: number;
  /** Whether the second call looks the credentials up again. */
  readonly renews: boolean;
}

const renewalCases: readonly RenewalCase[] = [
  { name: 'credentials without an expiry are kept for good', later: 10 * 365 * 24 * 60 * minute, renews: false },
  { name: 'a second call right away reuses the credentials', lifetime: 60 * minute, later: 0, renews: false },
  { name: 'one millisecond before the five-minute margin still reuses them', lifetime: 60 * minute, later: 55 * minute - 1, renews: false },
  { name: 'exactly five minutes before the expiry renews', lifetime: 60 * minute, later: 55 * minute, renews: true },
  { name: 'within the last five minutes renews', lifetime: 60 * minute, later: 58 * minute, renews: true },
  { name: 'after the expiry renews', lifetime: 60 * minute, later: 61 * minute, renews: true },
  { name: 'credentials that arrive with less than five minutes left are renewed on the next call', lifetime: 4 * minute, later: 0, renews: true },
];

describe('shareCredentials renews credentials five minutes before they expire', () => {
  for (const c of renewalCases) {
    it(c.name, async () => {
      const clock = controlledClock();
      const fake = countingProvider((n) => session(n, c.lifetime === undefined ? undefined : clock.now() + c.lifetime));
      const shared = shareCredentials(fake.provider, clock.now);

      const first = await call(shared, fake);
      assert.equal(first.accessKeyId, keyOf(1));
      clock.advance(c.later);
      const second = await call(shared, fake);

      assert.equal(fake.lookups, c.renews ? 2 : 1);
      if (c.renews) assert.equal(second.accessKeyId, keyOf(2));
      else assert.equal(second, first, 'the same credentials object, not a copy from another lookup');
      // Renewed credentials are themselves reused until their own margin.
      const third = await call(shared, fake);
      if (c.lifetime === undefined || c.lifetime > 5 * minute) {
        assert.equal(third, second);
        assert.equal(fake.lookups, c.renews ? 2 : 1);
      }
    });
  }
});

describe('shareCredentials with concurrent callers', () => {
  it('callers arriving while the first lookup runs share it and get the same credentials', async () => {
    const clock = controlledClock();
    const fake = countingProvider((n) => session(n, clock.now() + 60 * minute));
    const shared = shareCredentials(fake.provider, clock.now);

    const callers = [shared(), shared(), shared()];
    await fake.settle();
    const identities = await Promise.all(callers);

    assert.equal(fake.lookups, 1);
    assert.equal(identities[1], identities[0]);
    assert.equal(identities[2], identities[0]);
  });

  it('callers that find the credentials due for renewal share one renewal', async () => {
    const clock = controlledClock();
    const fake = countingProvider((n) => session(n, clock.now() + 60 * minute));
    const shared = shareCredentials(fake.provider, clock.now);
    await call(shared, fake);
    clock.advance(56 * minute);

    const callers = [shared(), shared(), shared()];
    await fake.settle(); // the callers see the old credentials are due; the first starts the renewal
    await fake.settle(); // the renewal answers
    const identities = await Promise.all(callers);

    assert.equal(fake.lookups, 2);
    for (const identity of identities) assert.equal(identity.accessKeyId, keyOf(2));
  });

  it('the lookup gets the properties of the caller that started it', async () => {
    const clock = controlledClock();
    const fake = countingProvider((n) => session(n, clock.now() + 60 * minute));
    const shared = shareCredentials(fake.provider, clock.now);
    const properties = { callerClientConfig: { region: 'eu-west-1' } };

    const result = shared(properties);
    await fake.settle();
    await result;

    assert.deepEqual(fake.properties, [properties]);
  });
});

describe('shareCredentials after a failed lookup', () => {
  it('rejects every caller waiting on the lookup with its error, and the next call looks up again', async () => {
    const clock = controlledClock();
    const refused = new Error('the role cannot be assumed');
    const fake = countingProvider((n) => (n === 1 ? refused : session(n, clock.now() + 60 * minute)));
    const shared = shareCredentials(fake.provider, clock.now);

    // Observed before the lookup fails, as the SDK's callers await at once.
    const outcomes = Promise.allSettled([shared(), shared(), shared()]);
    await fake.settle();

    assert.deepEqual(
      reasons(await outcomes),
      [refused, refused, refused],
    );
    assert.equal(fake.lookups, 1);
    const next = await call(shared, fake);
    assert.equal(fake.lookups, 2);
    assert.equal(next.accessKeyId, keyOf(2));
    // The credentials from the retry are the ones kept.
    assert.equal(await call(shared, fake), next);
    assert.equal(fake.lookups, 2);
  });

  it('a failed renewal is not answered with the old credentials, and the next call tries again', async () => {
    const clock = controlledClock();
    const expired = new Error('the SSO session has expired');
    const fake = countingProvider((n) => (n === 2 ? expired : session(n, clock.now() + 60 * minute)));
    const shared = shareCredentials(fake.provider, clock.now);
    await call(shared, fake);
    clock.advance(57 * minute);

    const outcomes = Promise.allSettled([shared(), shared()]);
    await fake.settle(); // both see the credentials are due; the first starts the renewal
    await fake.settle(); // the renewal fails

    assert.deepEqual(
      reasons(await outcomes),
      [expired, expired],
    );
    assert.equal(fake.lookups, 2);
    const next = await call(shared, fake);
    assert.equal(fake.lookups, 3);
    assert.equal(next.accessKeyId, keyOf(3));
  });
});
