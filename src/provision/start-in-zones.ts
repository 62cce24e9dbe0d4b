import { setTimeout as sleep } from 'node:timers/promises';
import {
  CancelledError,
  CapacityError,
  earliestRetry,
  errorCodeOf,
  isCancelled,
  isCapacityError,
  isRateLimited,
  isZoneIndependent,
  messageOf,
  throwIfCancelled,
} from '../errors/index.js';
import type { ZonePicker } from '../planner/index.js';
import type { Environ, StartInstanceParams, StartInstanceResult } from '../provider/index.js';
import { signalOf } from '../util/optional.js';
import type { FlowEventSink } from './events.js';

/**
 * One machine's start, built once where the machine is provisioned and handed to every
 * attempt unchanged: each attempt adds only its zone and the signal.
 */
export type StartRequest = Omit<StartInstanceParams, 'zone' | 'signal'>;

export interface StartInZonesParams {
  readonly environ: Environ;
  readonly request: StartRequest;
  readonly zones: ZonePicker;
  readonly onEvent?: FlowEventSink | undefined;
  /** Rate-limit waits per zone before moving on. Default 5. */
  readonly rateLimitRetries?: number | undefined;
  /** The longest single wait for a rate limit. Default 60 s. */
  readonly maxRateLimitWaitMs?: number | undefined;
  readonly signal?: AbortSignal | undefined;
}

/**
 * Starts one instance, failing over from zone to zone: a zone-specific failure (capacity,
 * a subnet's trouble) moves on to the next zone; a zone-independent one (credentials,
 * quota, bad config, cancellation) stops at once; a rate limit waits until the cloud's
 * earliest retry time and tries the same zone again. When every zone failed for capacity
 * the error is `CAPACITY_UNAVAILABLE` naming each zone's reason.
 */
export async function startInZones(params: StartInZonesParams): Promise<StartInstanceResult> {
  const failures: { zone: string; error: unknown }[] = [];
  for (let choice = params.zones.pick(); choice !== undefined; choice = params.zones.pick()) {
    const { zone } = choice;
    try {
      return await startWithRateLimitWaits(params, zone);
    } catch (error) {
      if (isCancelled(error) || zone === undefined || isZoneIndependent(error)) {
        report(params, zone, error, 'give-up');
        throw error;
      }
      params.zones.failed(zone, error);
      failures.push({ zone, error });
      report(params, zone, error, 'next-zone');
    }
  }
  throw noZoneLeft(params.request.machineId, failures);
}

async function startWithRateLimitWaits(params: StartInZonesParams, zone: string | undefined): Promise<StartInstanceResult> {
  const retries = params.rateLimitRetries ?? 5;
  const { machineId } = params.request;
  for (let attempt = 0; ; attempt++) {
    throwIfCancelled(params.signal, `starting machine ${machineId}`);
    try {
      const result = await params.environ.startInstance({ ...params.request, zone, signal: params.signal });
      const placed = result.instance.zone ?? zone;
      params.onEvent?.({
        type: 'instance.started',
        machineId,
        instanceId: result.instance.id,
        ...(placed === undefined ? {} : { zone: placed }),
      });
      return result;
    } catch (error) {
      if (!isRateLimited(error) || attempt >= retries) throw error;
      report(params, zone, error, 'retry-after-wait');
      const retryAt = earliestRetry(error)?.getTime() ?? Date.now() + 1_000;
      const waitMs = Math.min(Math.max(0, retryAt - Date.now()), params.maxRateLimitWaitMs ?? 60_000);
      await sleep(waitMs, undefined, signalOf(params)).catch((reason: unknown) => {
        throw new CancelledError(`starting machine ${machineId} cancelled`, { cause: reason });
      });
    }
  }
}

function report(params: StartInZonesParams, zone: string | undefined, error: unknown, next: 'next-zone' | 'retry-after-wait' | 'give-up'): void {
  params.onEvent?.({
    type: 'instance.start-failed',
    machineId: params.request.machineId,
    ...(zone === undefined ? {} : { zone }),
    code: errorCodeOf(error) ?? 'UNKNOWN',
    message: messageOf(error),
    next,
  });
}

function noZoneLeft(machineId: string, failures: readonly { zone: string; error: unknown }[]): Error {
  const last = failures.at(-1)?.error;
  const reasons = failures.map((f) => `${f.zone}: ${messageOf(f.error)}`).join('; ');
  if (failures.length > 0 && failures.every((f) => isCapacityError(f.error))) {
    return new CapacityError(
      `no zone has capacity for machine ${machineId} (${reasons}); try other constraints or another region later`,
      { scope: { kind: 'all' }, cause: last },
    );
  }
  if (last instanceof Error) return last;
  return new CapacityError(`no zone is left to start machine ${machineId} in; every allowed zone failed recently or none is available`, {
    scope: { kind: 'all' },
  });
}
