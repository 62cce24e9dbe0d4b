import pRetry from 'p-retry';
import { CancelledError } from '../../src/index.js';
import type { ConsistencyRetry } from './ec2-timing.js';

/**
 * `attempt` again with back-off while `lagging` says AWS has not caught up with a change
 * made a moment ago (a new security group EC2 does not list yet, an instance profile IAM
 * has not spread to EC2 yet), within `consistency`'s budget; any other failure at once.
 */
export async function untilConsistent<T>(
  params: { readonly consistency: ConsistencyRetry; readonly signal?: AbortSignal | undefined },
  what: string,
  attempt: () => Promise<T>,
  lagging: (error: unknown) => boolean,
): Promise<T> {
  const { firstMs, maxMs, totalMs } = params.consistency;
  try {
    return await pRetry(attempt, {
      retries: 20,
      minTimeout: firstMs,
      maxTimeout: maxMs,
      maxRetryTime: totalMs,
      ...(params.signal === undefined ? {} : { signal: params.signal }),
      shouldRetry: ({ error }) => lagging(error),
    });
  } catch (error) {
    // p-retry rejects an abort during its wait with the signal's reason: say it as envboot does.
    if (params.signal?.aborted === true) throw new CancelledError(`${what} cancelled`, { cause: params.signal.reason });
    throw error;
  }
}
