import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, describe, it, type TestContext } from 'node:test';
import {
  generateSshKeyPair,
  NotFoundError,
  throwIfCancelled,
  type ConsoleEnviron,
  type ConsoleOutput,
  type Environ,
} from '../../../src/index.js';
import { createFakeProvider, type FakeEnviron } from '../../../src/testing/index.js';
import { checkConsoleOutput } from '../../../src/testing/provider-conformance/console-checks.js';
import type { CheckContext } from '../../../src/testing/provider-conformance/params.js';
import { coreOnly } from '../../fakes/environs.js';

const fake = createFakeProvider();
after(() => fake.close());

type ConsoleParams = Parameters<ConsoleEnviron['consoleOutput']>[0];
/** How a test provider answers consoleOutput, given its own environ and every id started through any of them. */
type ConsoleBehaviour = (own: FakeEnviron, params: ConsoleParams, everStarted: ReadonlySet<string>) => Promise<ConsoleOutput | undefined>;

const tenLines = Array.from({ length: 10 }, (_, index) => `[  ${index}.000000] booting\n`).join('');

/** The last `lines` lines of `tenLines`, of this environment's instances only: what the contract asks. */
const honestConsole: ConsoleBehaviour = async (own, params) => {
  throwIfCancelled(params.signal, 'reading the console');
  const [instance] = await own.instances({ ids: [params.id] });
  if (instance === undefined) return undefined;
  return { text: tenLines.split('\n').slice(-(params.lines ?? 50) - 1).join('\n'), location: `/var/log/${params.id}.log` };
};

/** Every instance of the cloud, whichever environment started it. */
const ignoresOwnership: ConsoleBehaviour = (own, params, everStarted) =>
  everStarted.has(params.id) ? Promise.resolve({ text: 'a stranger\n' }) : honestConsole(own, params, everStarted);

const inventsConsoles: ConsoleBehaviour = () => Promise.resolve({ text: 'some console\n' });
const throwsForUnknown: ConsoleBehaviour = async (own, params, everStarted) =>
  (await honestConsole(own, params, everStarted)) ?? Promise.reject(new NotFoundError(`no instance ${params.id}`));
const ignoresLines: ConsoleBehaviour = async (own, params, everStarted) =>
  (await honestConsole(own, { ...params, lines: 50 }, everStarted));
const ignoresSignal: ConsoleBehaviour = (own, params, everStarted) => honestConsole(own, { id: params.id, ...(params.lines === undefined ? {} : { lines: params.lines }) }, everStarted);
const emptyLocation: ConsoleBehaviour = async (own, params, everStarted) => {
  const output = await honestConsole(own, params, everStarted);
  return output === undefined ? undefined : { ...output, location: ' ' };
};

/** A fake provider's environment, core contract only, with `behaviour` as its console. */
function consoleProvider(behaviour: ConsoleBehaviour | undefined): () => Environ {
  const everStarted = new Set<string>();
  return () => {
    const own = fake.openEnviron({ name: 'console-check', uuid: randomUUID() });
    const environ = coreOnly(own, {
      startInstance: async (params) => {
        const started = await own.startInstance(params);
        everStarted.add(started.instance.id);
        return started;
      },
    });
    if (behaviour === undefined) return environ;
    const consoleEnviron: ConsoleEnviron = { ...environ, consoleOutput: (params) => behaviour(own, params, everStarted) };
    return consoleEnviron;
  };
}

/** Runs the check the way the kit's runner does, on a fresh environment; returns what `t.skip` was told, if anything. */
async function runCheck(open: () => Environ): Promise<{ skipped?: string }> {
  const skipped: string[] = [];
  const t = { skip: (message?: string) => skipped.push(message ?? ''), diagnostic: () => undefined } as unknown as TestContext;
  const environ = open();
  const fixture = { environ, reopen: () => Promise.resolve(environ) };
  const context: CheckContext = {
    environ,
    fixture,
    params: { name: 'console', open: () => Promise.resolve({ environ: open(), reopen: () => Promise.resolve(environ) }) },
    clientKey: generateSshKeyPair({ comment: 'console-check-test' }),
    t,
  };
  try {
    await checkConsoleOutput(context);
  } finally {
    assert.deepEqual(await environ.allInstances({}), [], 'the check left an instance running');
  }
  return skipped.length === 0 ? {} : { skipped: skipped.join('; ') };
}

describe('provider conformance kit: the console check', () => {
  it('passes a console of own instances that gives the last lines asked for and honours the signal', async () => {
    assert.deepEqual(await runCheck(consoleProvider(honestConsole)), {});
  });

  it('skips a provider without the console ability, saying so', async () => {
    assert.deepEqual(await runCheck(consoleProvider(undefined)), { skipped: 'fake has no console ability (consoleOutput): nothing to check' });
  });

  const broken: readonly [string, ConsoleBehaviour, RegExp][] = [
    ['a console for an id that does not exist', inventsConsoles, /consoleOutput of the unknown id envboot-conformance-no-such-instance must be undefined/],
    ['an error for an unknown id', throwsForUnknown, /consoleOutput of envboot-conformance-no-such-instance threw NOT_FOUND: .*is undefined, not an error/],
    ['a console that ignores the signal', ignoresSignal, /consoleOutput with an already-aborted signal resolved: it must reject with CANCELLED/],
    ['more lines than asked for', ignoresLines, /has 10 lines where 3 were asked for: return the last `lines` lines only/],
    ['an empty location', emptyLocation, /has an empty location: name a file or a command/],
    ["another environment's console", ignoresOwnership, /another environment \([0-9a-f-]+\) was shown the console of instance .*: consoleOutput must answer only for instances carrying its own environment's tag/],
  ];
  for (const [what, behaviour, message] of broken) {
    it(`fails a provider that gives ${what}, saying which rule broke and how to fix it`, async () => {
      await assert.rejects(runCheck(consoleProvider(behaviour)), (error: Error) => {
        assert.match(error.message, message);
        return true;
      });
    });
  }
});
