/**
 * EC2's error family as the fake answers it: an HTTP status and a stable `Code`. Messages
 * follow AWS's own wording where it is known, so SDK errors read as they would against AWS.
 */
export class Ec2Error extends Error {
  override readonly name = 'Ec2Error';

  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

export function invalidParameterValue(message: string): Ec2Error {
  return new Ec2Error(400, 'InvalidParameterValue', message);
}

export function invalidParameterCombination(message: string): Ec2Error {
  return new Ec2Error(400, 'InvalidParameterCombination', message);
}

export function missingParameter(name: string): Ec2Error {
  return new Ec2Error(400, 'MissingParameter', `The request must contain the parameter ${name}`);
}

/**
 * The `<Thing>ID.NotFound` family, which names every missing id at once:
 * "The instance ID 'i-1' does not exist", "The instance IDs 'i-1, i-2' do not exist".
 */
export function idsNotFound(code: string, noun: string, ids: readonly string[]): Ec2Error {
  const message =
    ids.length === 1 ? `The ${noun} ID '${ids.join('')}' does not exist` : `The ${noun} IDs '${ids.join(', ')}' do not exist`;
  return new Ec2Error(400, code, message);
}

export function securityGroupNotFound(idOrName: string): Ec2Error {
  return new Ec2Error(400, 'InvalidGroup.NotFound', `The security group '${idOrName}' does not exist`);
}

export function volumeNotFound(id: string): Ec2Error {
  return new Ec2Error(400, 'InvalidVolume.NotFound', `The volume '${id}' does not exist.`);
}

export function imageNotFound(id: string): Ec2Error {
  // AWS really does wrap the id in brackets here.
  return new Ec2Error(400, 'InvalidAMIID.NotFound', `The image id '[${id}]' does not exist`);
}

export function invalidZone(name: string): Ec2Error {
  return invalidParameterValue(`Invalid availability zone: [${name}]`);
}
