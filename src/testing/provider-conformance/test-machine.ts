import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { messageOf } from '../../errors/index.js';
import {
  hasInstanceTypes,
  includeNamed,
  isZoned,
  machineTags,
  type AvailabilityZone,
  type Constraints,
  type Environ,
  type InstanceType,
  type StartInstanceResult,
} from '../../provider/index.js';
import { chooseInstanceType, machineUserData, type MachineUserData } from '../../provision/index.js';
import type { CheckContext } from './params.js';

/** Where a test machine goes and what it is: what common code would choose. */
export interface Placement {
  readonly zone?: string;
  readonly instanceType?: string;
}

/** A machine a check started, with the secrets its user-data carries. */
export interface TestMachine extends Placement {
  readonly id: string;
  readonly started: StartInstanceResult;
  readonly secrets: MachineUserData;
  readonly tags: Readonly<Record<string, string>>;
}

/** `first` is where common code would start; `last` tells a provider that honours the zone from one that ignores it. */
export type ZonePreference = 'first' | 'last';

/**
 * The instance type common code would choose from the catalogue (when there is one), and
 * an available zone that the constraints and the type allow (when zoned).
 */
export async function placement(context: CheckContext, prefer: ZonePreference = 'first'): Promise<Placement> {
  const { environ } = context;
  const constraints = context.params.constraints ?? {};
  const type = hasInstanceTypes(environ)
    ? chooseInstanceType({ catalogue: await environ.instanceTypes(includeNamed(constraints)), constraints })
    : undefined;
  const typed = type === undefined ? {} : { instanceType: type.name };
  if (!isZoned(environ)) return typed;
  const zones = usableZones(await environ.availabilityZones({}), constraints, type);
  const zone = prefer === 'last' ? zones.at(-1) : zones[0];
  assert.ok(zone !== undefined, `${environ.provider} has no available zone for constraints ${JSON.stringify(constraints)}`);
  return { ...typed, zone };
}

function usableZones(zones: readonly AvailabilityZone[], constraints: Constraints, type: InstanceType | undefined): string[] {
  const allowed = (name: string, list: readonly string[] | undefined): boolean => list === undefined || list.length === 0 || list.includes(name);
  return zones.filter((z) => z.available && allowed(z.name, constraints.zones) && allowed(z.name, type?.zones)).map((z) => z.name);
}

/** The user-data, tags and start parameters of machine `machineId`, as a bootstrap builds them. */
export function startRequest(context: CheckContext, machineId: string): { secrets: MachineUserData; tags: Record<string, string> } {
  const { environ, clientKey } = context;
  const secrets = machineUserData({ clientPublicKey: clientKey.publicKey, machineId, capabilities: environ.capabilities });
  return { secrets, tags: machineTags(environ.environment, machineId) };
}

/** Starts machine `machineId` in the placement common code would choose. */
export async function startTestMachine(context: CheckContext, params: { machineId: string; prefer?: ZonePreference }): Promise<TestMachine> {
  const where = await placement(context, params.prefer);
  const { secrets, tags } = startRequest(context, params.machineId);
  const started = await context.environ.startInstance({
    machineId: params.machineId,
    constraints: context.params.constraints ?? {},
    userData: secrets.userData,
    tags,
    ...where,
  });
  return { id: started.instance.id, started, secrets, tags, ...where };
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
