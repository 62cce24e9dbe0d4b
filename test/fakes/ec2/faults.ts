import { Ec2Error } from './ec2-error.js';
import { fakeAccountId } from './state.js';

/** Faults to inject; change them at any time, they apply from the next request. */
export interface FakeEc2Faults {
  /** Zones out of capacity: RunInstances there answers 500 InsufficientInstanceCapacity. */
  capacity: ReadonlySet<string> | readonly string[];
  /** The fraction (0..1) of requests answered 503 RequestLimitExceeded, picked by the seeded PRNG. */
  throttleRate: number;
  /** The next N requests answer 503 RequestLimitExceeded. */
  throttleNext: number;
  /** While true, every request answers 401 AuthFailure. */
  authFailure: boolean;
  /** While true, every request answers 400 ExpiredToken. */
  expiredToken: boolean;
  /** Actions answered 403 UnauthorizedOperation. */
  unauthorized: ReadonlySet<string> | readonly string[];
  /** RunInstances answers 400 with this quota code. */
  quota: 'InstanceLimitExceeded' | 'VcpuLimitExceeded' | undefined;
  /** RunInstances answers 400 InvalidParameterValue with this message. */
  invalidParameter: string | undefined;
  /** The next N DeleteSecurityGroup calls answer DependencyViolation, as AWS does for a
   * while after the last instance in the group terminated. */
  dependencyViolations: number;
  /**
   * Instance types whose GetConsoleOutput with `Latest=true` answers 400
   * UnsupportedOperation, as AWS answers for Xen types (every type of the default
   * catalogue is Nitro, so none is refused unless a test lists it).
   */
  latestConsoleUnsupported: ReadonlySet<string> | readonly string[];
  /**
   * Tag keys an organisation's policy requires at creation: RunInstances (on the instance,
   * its volume, its network interface and, for spot, its spot request) and
   * CreateSecurityGroup without each of them in their TagSpecifications answer 403
   * UnauthorizedOperation (see `enforceTagPolicy`).
   */
  requireTags: readonly string[];
  /** Zones without spot capacity: a spot RunInstances there answers 500 InsufficientInstanceCapacity. */
  spotCapacity: ReadonlySet<string> | readonly string[];
  /** Zone → spot price: a spot request whose MaxPrice is lower answers 400 SpotMaxPriceTooLow. */
  spotPrices: Readonly<Record<string, number>>;
  /** While true, a spot RunInstances answers 400 MaxSpotInstanceCountExceeded. */
  spotQuota: boolean;
}

export function noFaults(): FakeEc2Faults {
  return {
    capacity: new Set(),
    throttleRate: 0,
    throttleNext: 0,
    authFailure: false,
    expiredToken: false,
    unauthorized: new Set(),
    quota: undefined,
    invalidParameter: undefined,
    dependencyViolations: 0,
    latestConsoleUnsupported: new Set(),
    requireTags: [],
    spotCapacity: new Set(),
    spotPrices: {},
    spotQuota: false,
  };
}

export function listed(collection: ReadonlySet<string> | readonly string[], value: string): boolean {
  return 'has' in collection ? collection.has(value) : collection.includes(value);
}

/** The faults that hit a request before its action runs, in the order AWS checks them. */
export function checkRequestFaults(faults: FakeEc2Faults, action: string, draw: number): void {
  if (faults.authFailure) throw new Ec2Error(401, 'AuthFailure', 'AWS was not able to validate the provided access credentials');
  if (faults.expiredToken) throw new Ec2Error(400, 'ExpiredToken', 'The security token included in the request is expired');
  if (listed(faults.unauthorized, action)) throw unauthorizedOperation(action);
  if (faults.throttleNext > 0) {
    faults.throttleNext -= 1;
    throw requestLimitExceeded();
  }
  if (draw < faults.throttleRate) throw requestLimitExceeded();
}

function requestLimitExceeded(): Ec2Error {
  return new Ec2Error(503, 'RequestLimitExceeded', 'Request limit exceeded.');
}

function unauthorizedOperation(action: string): Ec2Error {
  const encoded = Buffer.from(JSON.stringify({ allowed: false, action: `ec2:${action}` })).toString('base64');
  return new Ec2Error(
    403,
    'UnauthorizedOperation',
    `You are not authorized to perform this operation. User: arn:aws:iam::${fakeAccountId}:user/envboot-test is not authorized ` +
      `to perform: ec2:${action} because no identity-based policy allows the ec2:${action} action. ` +
      `Encoded authorization failure message: ${encoded}`,
  );
}

export function quotaExceeded(code: 'InstanceLimitExceeded' | 'VcpuLimitExceeded', count: number): Ec2Error {
  const message =
    code === 'InstanceLimitExceeded'
      ? `You have requested more instances (${count}) than your current instance limit of 0 allows for the specified instance type. ` +
        'Please visit http://aws.amazon.com/contact-us/ec2-request to request an adjustment to this limit.'
      : 'You have requested more vCPU capacity than your current vCPU limit of 0 allows for the instance bucket that the ' +
        'specified instance type belongs to. Please visit http://aws.amazon.com/contact-us/ec2-request to request an adjustment to this limit.';
  return new Ec2Error(400, code, message);
}

export function insufficientCapacity(instanceType: string, zone: string, otherZones: readonly string[]): Ec2Error {
  const elsewhere = otherZones.length === 0 ? '' : ` or choosing ${otherZones.join(', ')}`;
  return new Ec2Error(
    500,
    'InsufficientInstanceCapacity',
    `We currently do not have sufficient ${instanceType} capacity in the Availability Zone you requested (${zone}). ` +
      'Our system will be working on provisioning additional capacity. You can currently get ' +
      `${instanceType} capacity by not specifying an Availability Zone in your request${elsewhere}.`,
  );
}
