import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { messageOf } from '../../errors/index.js';
import { planMachines } from '../../planner/index.js';
import { machineTags, type Environ, type StartInstanceResult } from '../../provider/index.js';
import { machineUserData, type MachineUserData } from '../../provision/index.js';
import type { CheckContext, MachineCensus } from './params.js';

/** Where a test machine goes and what it is: what common code would choose. */
export interface PlannedStart {
  readonly zone?: string;
  readonly instanceType?: string;
}

/** A machine a check started, with the secrets its user-data carries. */
export interface TestMachine extends PlannedStart {
  /** The envboot machine id it was started as (`1`); `id` is the provider's instance id. */
  readonly machineId: string;
  readonly id: string;
  readonly started: StartInstanceResult;
  readonly secrets: MachineUserData;
  readonly tags: Readonly<Record<string, string>>;
}

/** `first` is where common code would start; `last` tells a provider that honours the zone from one that ignores it. */
export type ZonePreference = 'first' | 'last';

/**
 * The instance type and an available zone common code would choose (`planMachines`, as
 * bootstrap): `first` is where bootstrap would start, `last` the end of its fail-over order.
 */
export async function plannedStart(context: CheckContext, prefer: ZonePreference = 'first'): Promise<PlannedStart> {
  const { environ } = context;
  const constraints = context.params.constraints ?? {};
  const plan = await planMachines({ environ, constraints, zoneOrder: 'fail-over' });
  const typed = plan.instanceType === undefined ? {} : { instanceType: plan.instanceType };
  if (plan.zones.length === 0) return typed;
  const zone = prefer === 'last' ? plan.zones.at(-1) : plan.zones[0];
  assert.ok(zone !== undefined, `${environ.provider} has no available zone for constraints ${JSON.stringify(constraints)}`);
  return { ...typed, zone };
}

/** The user-data, tags and start parameters of machine `machineId`, as a bootstrap builds them. */
export function startRequest(context: CheckContext, machineId: string): { secrets: MachineUserData; tags: Record<string, string> } {
  const { environ, clientKey } = context;
  const secrets = machineUserData({ clientPublicKey: clientKey.publicKey, machineId, capabilities: environ.capabilities });
  return { secrets, tags: machineTags(environ.environment, machineId) };
}

/** The placement directive for starting machine `machineId` (the kit's `placement`), or undefined where the provider takes none. */
export function placementFor(context: CheckContext, machineId: string): Promise<string | undefined> {
  const { placement } = context.params;
  return placement === undefined ? Promise.resolve(undefined) : placement({ machineId, t: context.t });
}

/** Starts machine `machineId` where, and as what, common code would start it. */
export async function startTestMachine(context: CheckContext, params: { machineId: string; prefer?: ZonePreference }): Promise<TestMachine> {
  const where = await plannedStart(context, params.prefer);
  const { secrets, tags } = startRequest(context, params.machineId);
  const started = await context.environ.startInstance({
    machineId: params.machineId,
    constraints: context.params.constraints ?? {},
    userData: secrets.userData,
    tags,
    placement: await placementFor(context, params.machineId),
    ...where,
  });
  return { machineId: params.machineId, id: started.instance.id, started, secrets, tags, ...where };
}

/**
 * Starts a test machine, runs `body` with it, and stops it (waiting until it is gone)
 * whatever happened. A failed stop after a failed body is reported as a diagnostic, so
 * that the body's error is the one the check fails with; the suite's sweep tries again.
 */
export async function withTestMachine<T>(
  context: CheckContext,
  params: { machineId: string; prefer?: ZonePreference },
  body: (machine: TestMachine) => Promise<T>,
): Promise<T> {
  const machine = await startTestMachine(context, params);
  const stop = (): Promise<void> => context.environ.stopInstances({ ids: [machine.id], waitUntilGone: true });
  let result: T;
  try {
    result = await body(machine);
  } catch (error) {
    await stop().catch((stopError: unknown) => {
      context.t.diagnostic(`stopping ${machine.id} after the failure: ${messageOf(stopError)}`);
    });
    throw error;
  }
  await stop();
  return result;
}

/** Polls `allInstances` (small, growing pauses) until it no longer lists `id`, for `timeoutMs` at most. */
export async function waitUntilUnlisted(environ: Environ, id: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (let pause = 10; ; pause = Math.min(pause * 2, 500)) {
    const listed = (await environ.allInstances({})).find((instance) => instance.id === id);
    if (listed === undefined) return;
    if (Date.now() >= deadline) {
      assert.fail(`instance ${id} is still listed by allInstances (status ${listed.status}) ${timeoutMs} ms after it was stopped; listings must drop stopped instances`);
    }
    await sleep(pause);
  }
}

/** Polls the census (small, growing pauses) until `id` is no longer live: true once it is gone, false if it is still live after `timeoutMs`. */
export async function goneFromCensus(census: MachineCensus, id: string, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (let pause = 10; ; pause = Math.min(pause * 2, 500)) {
    if (!(await census.live()).includes(id)) return true;
    if (Date.now() >= deadline) return false;
    await sleep(pause);
  }
}
