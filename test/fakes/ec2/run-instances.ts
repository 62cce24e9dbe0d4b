import type { ActionHandler } from './action.js';
import { Ec2Error, invalidParameterValue } from './ec2-error.js';
import { insufficientCapacity, listed, quotaExceeded } from './faults.js';
import { reservationXml } from './instance-xml.js';
import { createInstance } from './instances.js';
import { checkSpotFaults } from './launch-options.js';
import { launchRequestOf } from './launch-request.js';
import type { QueryParams } from './query-params.js';
import { enforceTagPolicy } from './tag-policy.js';
import type { Ec2State, InstanceRecord } from './state.js';

/**
 * RunInstances: validates the request as EC2 does, then launches `MaxCount` instances in
 * state `pending` in one reservation. A `ClientToken` seen before returns that earlier
 * reservation instead of launching again (the SDK sends a fresh token per call and the
 * same one on its retries). `onLaunch` runs for each new instance after the answer.
 */
export const runInstances: ActionHandler = (state, { params, faults }) => {
  const clientToken = params.get('ClientToken');
  const fingerprint = fingerprintOf(params);
  const earlier = clientToken === undefined ? undefined : state.launches.get(clientToken);
  if (earlier !== undefined) {
    if (earlier.fingerprint !== fingerprint) {
      throw new Ec2Error(
        400,
        'IdempotentParameterMismatch',
        'Arguments on this idempotent request are inconsistent with arguments used in previous request(s).',
      );
    }
    const instances = earlier.instanceIds.flatMap((id) => state.instances.get(id) ?? []);
    return reservationXml(state, earlier.reservationId, instances);
  }
  if (faults.invalidParameter !== undefined) throw invalidParameterValue(faults.invalidParameter);
  const request = launchRequestOf(state, params);
  // Every resource the launch creates: a policy on aws:RequestTag judges each of them.
  const creations = [
    { resourceType: 'instance', tags: request.instanceTags },
    { resourceType: 'volume', tags: request.volumeTags },
    { resourceType: 'network-interface', tags: request.networkInterfaceTags },
    ...(request.launch.spot === undefined ? [] : [{ resourceType: 'spot-instances-request', tags: request.launch.spot.tags }]),
  ];
  enforceTagPolicy({ required: faults.requireTags, action: 'RunInstances', region: state.region, creations });
  if (faults.quota !== undefined) throw quotaExceeded(faults.quota, request.count);
  const zone = request.subnet.zone;
  if (listed(faults.capacity, zone)) {
    const others = state.zones
      .filter((candidate) => candidate.name !== zone && !listed(faults.capacity, candidate.name))
      .filter((candidate) => state.offerings.get(candidate.name)?.has(request.instanceType.name) === true);
    throw insufficientCapacity(request.instanceType.name, zone, others.map((candidate) => candidate.name));
  }
  checkSpotFaults(faults, request.launch, zone, request.instanceType.name);
  const reservationId = state.newId('r');
  const launchTime = state.now();
  const instances: InstanceRecord[] = Array.from({ length: request.count }, (_, index) =>
    createInstance(state, {
      ...request,
      reservationId,
      ...(clientToken === undefined ? {} : { clientToken }),
      amiLaunchIndex: index,
      state: 'pending',
      launchTime,
    }),
  );
  if (clientToken !== undefined) state.launches.set(clientToken, { fingerprint, reservationId, instanceIds: instances.map((instance) => instance.id) });
  for (const instance of instances) announce(state, instance);
  return reservationXml(state, reservationId, instances);
};

function announce(state: Ec2State, instance: InstanceRecord): void {
  state.hooks.launched({
    id: instance.id,
    zone: instance.zone,
    privateIp: instance.privateIp,
    ...(instance.publicIp === undefined ? {} : { publicIp: instance.publicIp }),
    userData: instance.userData,
    tags: instance.tags,
    instanceType: instance.instanceType,
    imageId: instance.imageId,
  });
}

/** Every field but the token itself, in a stable order. */
function fingerprintOf(params: QueryParams): string {
  return JSON.stringify(params.entries().filter(([name]) => name !== 'ClientToken').sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
