import type { FakeEc2Faults } from './faults.js';
import type { QueryParams } from './query-params.js';
import type { Ec2State } from './state.js';

/** One request as an action sees it: its form fields, and the faults in force. */
export interface Ec2Call {
  readonly params: QueryParams;
  readonly faults: FakeEc2Faults;
}

/**
 * An action answers the children of its `<ActionResponse>` element (everything after
 * `requestId`), or throws an `Ec2Error`. Actions run synchronously to completion, so each
 * request sees and leaves the state consistent, as EC2's API does.
 */
export type ActionHandler = (state: Ec2State, call: Ec2Call) => readonly string[];
