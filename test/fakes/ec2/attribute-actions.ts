import type { ActionHandler } from './action.js';
import { Ec2Error, idsNotFound, invalidParameterValue } from './ec2-error.js';
import { node, text } from './xml.js';

/** An instance id as EC2 checks its shape before looking it up: `i-` and 8 or 17 hex digits. */
const instanceIdShape = /^i-(?:[0-9a-f]{8}|[0-9a-f]{17})$/;

/** The attributes EC2 accepts; the fake answers `userData` only. */
const knownAttributes = new Set([
  'instanceType', 'kernel', 'ramdisk', 'userData', 'disableApiTermination', 'instanceInitiatedShutdownBehavior',
  'rootDeviceName', 'blockDeviceMapping', 'productCodes', 'sourceDestCheck', 'groupSet', 'ebsOptimized',
  'sriovNetSupport', 'enaSupport', 'enclaveOptions', 'disableApiStop',
]);

/**
 * DescribeInstanceAttribute, `Attribute=userData`: `instanceId` and `userData` with its
 * `value`, the user data RunInstances got, base64-encoded as EC2 answers it (an empty
 * `userData` element for an instance launched without any). Terminated instances stay
 * known, as EC2 keeps them a while. A malformed id is InvalidInstanceID.Malformed, an
 * unknown one InvalidInstanceID.NotFound, an attribute EC2 does not have
 * InvalidParameterValue; attributes EC2 has but the fake does not model are refused with
 * a message saying so, never answered wrongly.
 */
export const describeInstanceAttribute: ActionHandler = (state, { params }) => {
  const id = params.require('InstanceId');
  const attribute = params.require('Attribute');
  if (!knownAttributes.has(attribute)) throw invalidParameterValue(`Value (${attribute}) for parameter attribute is invalid. Unknown attribute.`);
  if (!instanceIdShape.test(id)) throw new Ec2Error(400, 'InvalidInstanceID.Malformed', `Invalid id: "${id}" (expecting "i-...")`);
  const instance = state.instances.get(id);
  if (instance === undefined) throw idsNotFound('InvalidInstanceID.NotFound', 'instance', [id]);
  if (attribute !== 'userData') throw invalidParameterValue(`fake EC2 endpoint: the attribute ${attribute} is not modelled; only userData is`);
  const value = instance.userData.length === 0 ? undefined : instance.userData.toString('base64');
  return [text('instanceId', id), node('userData', [text('value', value)])];
};
