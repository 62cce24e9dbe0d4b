import type { CloudConfig } from '../../cloudinit/index.js';
import { requireFirewall } from '../firewall/index.js';
import { planMachines, type MachinePlan } from '../planner/index.js';
import { preflightEnviron } from '../provider/index.js';
import { checkCloudConfigFor, runPhase, type FlowEventSink, type PhaseTiming } from '../provision/index.js';
import { signalOf } from '../util/optional.js';
import type { BootstrapParams } from './bootstrap.js';

export interface BootstrapPreflight {
  /** The controller cloud-config, checked against what the provider can apply. */
  readonly config: CloudConfig | undefined;
  readonly warnings: readonly string[];
  readonly machines: MachinePlan;
}

/**
 * The read-only part of a bootstrap, the same for a new one and a resumed one: the
 * controller cloud-config, ports on a provider without a firewall, the provider's
 * preflight, and the plan (`planMachines`: constraints, zones, instance type). Bad input
 * fails here, with nothing created.
 */
export function bootstrapPreflight(
  params: Pick<BootstrapParams, 'environ' | 'constraints' | 'zone' | 'placement' | 'controllerConfig' | 'expose' | 'signal'>,
  step: { readonly onEvent: FlowEventSink; readonly timings: PhaseTiming[] },
): Promise<BootstrapPreflight> {
  const { environ, onEvent } = { ...params, ...step };
  return runPhase({
    ...step,
    phase: 'preflight',
    run: async () => {
      const config =
        params.controllerConfig === undefined
          ? undefined
          : checkCloudConfigFor({ config: params.controllerConfig, environ, what: 'controller cloud-config' });
      if ((params.expose ?? []).length > 0) requireFirewall(environ);
      const checked = await preflightEnviron(environ, signalOf(params));
      for (const message of checked.warnings) onEvent({ type: 'warning', message });
      const machines = await planMachines({
        environ,
        constraints: params.constraints ?? {},
        zones: params.zone === undefined ? undefined : [params.zone],
        placements: params.placement === undefined ? undefined : [params.placement],
        zoneOrder: 'fail-over',
        controller: true,
        signal: params.signal,
      });
      for (const message of machines.warnings) onEvent({ type: 'warning', message });
      return { config, warnings: [...checked.warnings, ...machines.warnings], machines };
    },
  });
}
