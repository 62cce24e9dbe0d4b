import type { ActionHandler } from './action.js';
import { Ec2Error, idsNotFound, invalidParameterCombination, missingParameter } from './ec2-error.js';
import { type FilterSpec, applyFilters } from './filters.js';
import { instanceStateXml, reservationsXml } from './instance-xml.js';
import { moveTo, observe } from './lifecycle.js';
import { pageOf } from './paging.js';
import { filtersOf } from './query-params.js';
import { stateCodes } from './resources.js';
import type { Ec2State, InstanceRecord } from './state.js';
import { itemSet, text } from './xml.js';

const stateFilters: FilterSpec<InstanceRecord> = {
  'instance-state-name': (instance) => [instance.state],
  'instance-state-code': (instance) => [stateCodes[instance.state]],
};

const otherFilters: FilterSpec<InstanceRecord> = {
  'instance-id': (instance) => [instance.id],
  'instance-type': (instance) => [instance.instanceType],
  'availability-zone': (instance) => [instance.zone],
  'image-id': (instance) => [instance.imageId],
  'reservation-id': (instance) => [instance.reservationId],
  'vpc-id': (instance) => [instance.vpcId],
  'subnet-id': (instance) => [instance.subnetId],
  'private-ip-address': (instance) => [instance.privateIp],
  'ip-address': (instance) => [instance.publicIp],
  architecture: (instance) => [instance.architecture],
  'client-token': (instance) => [instance.clientToken],
  'key-name': (instance) => [instance.keyName],
  'instance.group-id': (instance) => instance.securityGroupIds,
};

/**
 * DescribeInstances by `InstanceId.N` (any unknown id fails the call with
 * InvalidInstanceID.NotFound; terminated instances stay known) and filters, paged by
 * `MaxResults` (5–1000, not allowed with ids). Each instance the non-state filters select
 * counts as looked at, which is what moves `pending` and `shutting-down` instances on;
 * the state filters then see the new state.
 */
export const describeInstances: ActionHandler = (state, { params }) => {
  const ids = [...new Set(params.list('InstanceId'))];
  if (ids.length > 0 && params.get('MaxResults') !== undefined) {
    throw invalidParameterCombination('The parameter instancesSet cannot be used with the parameter maxResults');
  }
  const candidates = instancesNamed(state, ids);
  const filters = filtersOf(params);
  const isStateFilter = (name: string): boolean => Object.hasOwn(stateFilters, name);
  const looked = applyFilters(candidates, filters.filter((filter) => !isStateFilter(filter.name)), otherFilters, (instance) => instance.tags);
  for (const instance of looked) observe(state, instance);
  const matching = applyFilters(looked, filters.filter((filter) => isStateFilter(filter.name)), stateFilters);
  const page = pageOf(matching, params, { min: 5, max: 1000 }, 'DescribeInstances');
  return [reservationsXml(state, page.items), text('nextToken', page.nextToken)];
};

/** EC2 refuses more ids than this in one TerminateInstances call. */
const terminateLimit = 1000;

/**
 * TerminateInstances: every id must exist (else nothing is terminated). Living instances
 * go `shutting-down`; terminating again is a no-op that succeeds, as on AWS.
 */
export const terminateInstances: ActionHandler = (state, { params }) => {
  const ids = [...new Set(params.list('InstanceId'))];
  if (ids.length === 0) throw missingParameter('InstanceId');
  if (ids.length > terminateLimit) {
    throw new Ec2Error(
      400,
      'InvalidRequest',
      `${ids.length} exceeds the maximum number of instance IDs that can be specified (${terminateLimit}). Please specify fewer than ${terminateLimit} instance IDs.`,
    );
  }
  const changes = instancesNamed(state, ids).map((instance) => {
    const previous = instanceStateXml('previousState', instance);
    if (instance.state !== 'terminated' && instance.state !== 'shutting-down') moveTo(state, instance, 'shutting-down');
    return [text('instanceId', instance.id), instanceStateXml('currentState', instance), previous];
  });
  return [itemSet('instancesSet', changes)];
};

function instancesNamed(state: Ec2State, ids: readonly string[]): InstanceRecord[] {
  if (ids.length === 0) return [...state.instances.values()];
  const missing = ids.filter((id) => !state.instances.has(id));
  if (missing.length > 0) throw idsNotFound('InvalidInstanceID.NotFound', 'instance', missing);
  return ids.flatMap((id) => state.instances.get(id) ?? []);
}
