import assert from 'node:assert/strict';
import { ErrorCode, errorCodeOf, findInChain, messageOf } from '../../errors/index.js';
import { isZoned, preflightEnviron, prepareEnviron, tearDownEnviron, type Environ, type StartInstanceParams } from '../../provider/index.js';
import { assertStartedNothing } from './clean-environment.js';
import { madeUpInstanceId } from './contract-checks.js';
import type { CheckContext } from './params.js';
import { placementFor, plannedStart, startRequest } from './test-machine.js';

/** A zone no cloud has. */
export const madeUpZone = 'no-such-zone-1z';

/** The first of envboot's error codes found in the cause chain of `error`, if any. */
export function envbootCodeIn(error: unknown): ErrorCode | undefined {
  return Object.values(ErrorCode).find((code) => findInChain(error, code) !== undefined);
}

/**
 * Runs a start that must be refused: resolves with its error, or, when the provider
 * started a machine after all, stops it and fails saying so.
 */
async function refusedStart(environ: Environ, start: StartInstanceParams, request: string): Promise<unknown> {
  const outcome = await environ.startInstance(start).then(
    (started) => ({ started }),
    (error: unknown) => ({ error }),
  );
  if ('error' in outcome) return outcome.error;
  const id = outcome.started.instance.id;
  await environ.stopInstances({ ids: [id], waitUntilGone: true });
  assert.fail(`${request} succeeded, starting instance ${id} (the kit stopped it): it must be refused`);
}

function describeError(error: unknown): string {
  return `${errorCodeOf(error) ?? 'no code'}: ${messageOf(error)}`;
}

export async function checkRefusalIsEnvbootError(context: CheckContext): Promise<void> {
  const { environ, t } = context;
  if (!isZoned(environ)) {
    t.skip(
      `${environ.provider} has no availability zones, so there is no start request that every such provider must refuse: ` +
        'check your own refusals (a bad image, a missing subnet: CONFIG_INVALID) in your provider tests',
    );
    return;
  }
  const zones = (await environ.availabilityZones({})).map((zone) => zone.name);
  assert.ok(!zones.includes(madeUpZone), `the made-up zone ${madeUpZone} is one of the zones: ${zones.join(', ')}`);
  const { secrets, tags } = startRequest(context, '1');
  const request = `startInstance in the made-up zone ${madeUpZone}`;
  const placement = await placementFor(context, '1');
  const start = { ...(await plannedStart(context)), zone: madeUpZone, machineId: '1', placement, constraints: context.params.constraints ?? {}, userData: secrets.userData, tags };
  const error = await refusedStart(environ, start, request);
  await assertStartedNothing(environ, request);
  assert.ok(
    envbootCodeIn(error) !== undefined,
    `${request} was refused with an error that carries none of envboot's error codes in its cause chain (${describeError(error)}): ` +
      "translate the cloud's errors into envboot's family at the provider boundary",
  );
}

export async function checkStartCancelled(context: CheckContext): Promise<void> {
  const { environ } = context;
  const { secrets, tags } = startRequest(context, '1');
  const signal = AbortSignal.abort(new Error('aborted by the conformance kit before the call'));
  const request = 'startInstance with an already-aborted signal';
  const placement = await placementFor(context, '1');
  const start = { ...(await plannedStart(context)), machineId: '1', placement, constraints: context.params.constraints ?? {}, userData: secrets.userData, tags, signal };
  const error = await refusedStart(environ, start, request);
  await assertStartedNothing(environ, request);
  assert.ok(findInChain(error, ErrorCode.Cancelled) !== undefined, `${request} failed with ${describeError(error)}, not ${ErrorCode.Cancelled}`);
}

/** Every core method but startInstance (checked on its own), each with an already-aborted signal. */
export async function checkCoreCallsCancelled({ environ }: CheckContext): Promise<void> {
  const signal = AbortSignal.abort(new Error('aborted by the conformance kit before the call'));
  const calls: Readonly<Record<string, () => Promise<unknown>>> = {
    preflight: () => preflightEnviron(environ, { signal }),
    prepare: () => prepareEnviron(environ, { signal }),
    instances: () => environ.instances({ ids: [madeUpInstanceId], signal }),
    allInstances: () => environ.allInstances({ signal }),
    stopInstances: () => environ.stopInstances({ ids: [madeUpInstanceId], signal }),
    teardown: () => tearDownEnviron(environ, { signal }),
  };
  const problems: string[] = [];
  for (const [name, call] of Object.entries(calls)) {
    const error = await call().then(
      () => undefined,
      (e: unknown) => e ?? new Error('rejected with nothing'),
    );
    if (error === undefined) problems.push(`${name} resolved`);
    else if (findInChain(error, ErrorCode.Cancelled) === undefined) problems.push(`${name} failed with ${describeError(error)}`);
  }
  assert.deepEqual(problems, [], `with an already-aborted signal every call must reject with ${ErrorCode.Cancelled}`);
  assert.deepEqual((await environ.allInstances({})).map((instance) => instance.id), [], 'aborted calls started instances');
}
