import { invalidParameterValue } from './ec2-error.js';
import type { QueryParams } from './query-params.js';

/** The `MaxResults` range an action accepts (EC2's differ: 5–1000, 5–100, 6–1000…). */
export interface PageLimits {
  readonly min: number;
  readonly max: number;
}

export interface Page<T> {
  readonly items: T[];
  readonly nextToken?: string;
}

/**
 * One page of `items` by `MaxResults` and `NextToken`. Without `MaxResults` everything
 * from the token on is returned. Tokens are opaque to clients; here they hold the action
 * and an offset, so a token from one action is refused by another.
 */
export function pageOf<T>(items: readonly T[], params: QueryParams, limits: PageLimits, action: string): Page<T> {
  const maxResults = params.int('MaxResults');
  if (maxResults !== undefined && maxResults < limits.min) {
    throw invalidParameterValue(`Value ( ${maxResults} ) for parameter maxResults is invalid. Expecting a value greater than ${limits.min}.`);
  }
  if (maxResults !== undefined && maxResults > limits.max) {
    throw invalidParameterValue(`Value ( ${maxResults} ) for parameter maxResults is invalid. Expecting a value less than ${limits.max}.`);
  }
  const token = params.get('NextToken');
  const start = token === undefined || token === '' ? 0 : offsetOf(token, action);
  const end = maxResults === undefined ? items.length : start + maxResults;
  const page = items.slice(start, end);
  return end < items.length ? { items: page, nextToken: tokenFor(action, end) } : { items: page };
}

function tokenFor(action: string, offset: number): string {
  return Buffer.from(`${action}:${offset}`, 'utf8').toString('base64url');
}

function offsetOf(token: string, action: string): number {
  const match = /^([A-Za-z]+):(\d+)$/.exec(Buffer.from(token, 'base64url').toString('utf8'));
  if (match?.[1] !== action || match[2] === undefined) throw invalidParameterValue(`The token '${token}' is invalid.`);
  return Number(match[2]);
}
