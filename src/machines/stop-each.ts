import { asError } from '../errors/index.js';
import type { Environ } from '../provider/index.js';
import { signalOf } from '../util/optional.js';

export interface StopEachResult {
  readonly stopped: readonly string[];
  readonly failures: readonly { readonly resource: string; readonly error: Error }[];
}

/**
 * Stops instances in one call, and when that call fails, one by one, so that a single
 * bad instance neither hides which one failed nor keeps the others running.
 */
export async function stopEach(params: { readonly environ: Environ; readonly ids: readonly string[]; readonly signal?: AbortSignal }): Promise<StopEachResult> {
  if (params.ids.length === 0) return { stopped: [], failures: [] };
  try {
    await params.environ.stopInstances({ ids: params.ids, waitUntilGone: true, ...signalOf(params) });
    return { stopped: [...params.ids], failures: [] };
  } catch {
    const stopped: string[] = [];
    const failures: { resource: string; error: Error }[] = [];
    for (const id of params.ids) {
      try {
        await params.environ.stopInstances({ ids: [id], waitUntilGone: true, ...signalOf(params) });
        stopped.push(id);
      } catch (error) {
        failures.push({ resource: `instance ${id}`, error: asError(error) });
      }
    }
    return { stopped, failures };
  }
}
