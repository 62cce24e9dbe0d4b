import { capacityScope } from '../errors/index.js';
import type { ZoneChooser } from './zone-chooser.js';

/** Which zone a machine's next start attempt goes to. */
export interface ZonePicker {
  /** The next zone to try; `{}` for "let the provider choose"; `undefined` when none is left. */
  pick(): { readonly zone?: string } | undefined;
  /** A start in `zone` failed for a reason another zone may not share. */
  failed(zone: string, error: unknown): void;
}

/**
 * Tries the given zones in order, each once (bootstrap). An empty list means the
 * provider has no zones: one attempt without a zone.
 */
export function zonesInOrder(zones: readonly string[]): ZonePicker {
  const remaining = [...zones];
  let unzonedTried = false;
  return {
    pick: () => {
      if (zones.length === 0) {
        if (unzonedTried) return undefined;
        unzonedTried = true;
        return {};
      }
      const zone = remaining.shift();
      return zone === undefined ? undefined : { zone };
    },
    failed: () => undefined,
  };
}

/**
 * Asks a shared zone chooser (add-machine): the least populated allowed zone, never the
 * same zone twice for one machine, and failures remembered for the machines after it.
 */
export function zonesFromChooser(params: {
  readonly chooser: ZoneChooser;
  readonly allowed: readonly string[];
  readonly instanceType?: string | undefined;
}): ZonePicker {
  const tried = new Set<string>();
  return {
    pick: () => {
      const left = params.allowed.filter((zone) => !tried.has(zone));
      if (left.length === 0) return undefined;
      const zone = params.chooser.choose({ limitZones: left, instanceType: params.instanceType });
      if (zone === undefined) return undefined;
      tried.add(zone);
      params.chooser.recordPlacement(zone);
      return { zone };
    },
    failed: (zone, error) => {
      params.chooser.recordRemoval(zone);
      params.chooser.recordFailure({ zone, scope: capacityScope(error) });
    },
  };
}
