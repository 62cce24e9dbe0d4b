import type { ActionHandler } from './action.js';
import { Ec2Error, idsNotFound } from './ec2-error.js';
import { listed } from './faults.js';
import { text } from './xml.js';

/** An instance id as EC2 checks its shape before looking it up: `i-` and 8 or 17 hex digits. */
const instanceIdShape = /^i-(?:[0-9a-f]{8}|[0-9a-f]{17})$/;

/**
 * GetConsoleOutput: `instanceId`, `timestamp` and `output`, the console text base64-encoded
 * (the SDK hands it over encoded, as AWS documents). No `output` until a test sets one, as
 * EC2 has none for an instance's first minutes. A malformed id is InvalidInstanceID.Malformed,
 * an unknown one InvalidInstanceID.NotFound; terminated instances stay known and keep their
 * console. `Latest=true` is UnsupportedOperation for the types in the
 * `latestConsoleUnsupported` fault (AWS's wording is approximated).
 */
export const getConsoleOutput: ActionHandler = (state, { params, faults }) => {
  const id = params.require('InstanceId');
  if (!instanceIdShape.test(id)) throw new Ec2Error(400, 'InvalidInstanceID.Malformed', `Invalid id: "${id}" (expecting "i-...")`);
  const instance = state.instances.get(id);
  if (instance === undefined) throw idsNotFound('InvalidInstanceID.NotFound', 'instance', [id]);
  if (params.bool('Latest') === true && listed(faults.latestConsoleUnsupported, instance.instanceType)) {
    throw new Ec2Error(
      400,
      'UnsupportedOperation',
      `The instance type ${instance.instanceType} does not support retrieving the latest console output. Retry the request without the Latest parameter.`,
    );
  }
  const output = instance.consoleOutput === undefined ? undefined : Buffer.from(instance.consoleOutput, 'utf8').toString('base64');
  return [text('instanceId', id), text('timestamp', state.now()), text('output', output)];
};
