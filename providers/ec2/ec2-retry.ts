import pRetry from 'p-retry';
import { CancelledError, ErrorCode, findInChain } from '../../src/index.js';

/** How hard to retry a throttled or transiently failed EC2 call. */
export interface Ec2RetryPolicy {
  /** Retries after the first attempt. */
  readonly retries: number;
  readonly minDelayMs: number;
  readonly maxDelayMs: number;
}

/**
 * EC2's request-rate limits refill at a few calls per second per action: nine attempts
 * over about a minute ride out a busy account without hiding a real outage for long.
 */
export const defaultEc2Retry: Ec2RetryPolicy = { retries: 8, minDelayMs: 500, maxDelayMs: 15_000 };

/** Server-side answers that say nothing about the request itself: the same call may succeed a moment later. */
const transientCodes: ReadonlySet<string> = new Set(['InternalError', 'InternalFailure', 'ServiceUnavailable', 'Unavailable']);
const transientNetwork: ReadonlySet<string> = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ECONNABORTED', 'TimeoutError']);

/**
 * Runs `attempt` until it succeeds, retrying with jittered exponential back-off (p-retry)
 * while the translated error is `RATE_LIMITED` or the raw one transient. Everything else,
 * capacity above all (an HTTP 500 that the SDK would otherwise retry), fails at once.
 * `translate` maps the SDK's error to envboot's family exactly once.
 */
export async function withEc2Retry<T>(params: {
  readonly attempt: () => Promise<T>;
  readonly translate: (error: unknown) => Error;
  readonly policy: Ec2RetryPolicy;
  readonly what: string;
  readonly signal?: AbortSignal | undefined;
}): Promise<T> {
  let last: { raw: unknown; translated: Error } | undefined;
  try {
    return await pRetry(
      async () => {
        try {
          return await params.attempt();
        } catch (raw) {
          last = { raw, translated: params.translate(raw) };
          throw last.translated;
        }
      },
      {
        retries: params.policy.retries,
        minTimeout: params.policy.minDelayMs,
        maxTimeout: params.policy.maxDelayMs,
        randomize: true,
        signal: params.signal,
        shouldRetry: () => last !== undefined && isRetryable(last.raw, last.translated),
      },
    );
  } catch (error) {
    if (params.signal?.aborted === true) throw new CancelledError(`${params.what} cancelled`, { cause: params.signal.reason });
    throw error;
  }
}

function isRetryable(raw: unknown, translated: Error): boolean {
  if (findInChain(translated, ErrorCode.RateLimited) !== undefined) return true;
  if (findInChain(translated, ErrorCode.CapacityUnavailable) !== undefined) return false;
  const sdk = raw as { name?: string; code?: string; $metadata?: { httpStatusCode?: number } } | null;
  return transientCodes.has(sdk?.name ?? '') || transientNetwork.has(sdk?.code ?? sdk?.name ?? '');
}
