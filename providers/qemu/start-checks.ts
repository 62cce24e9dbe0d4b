import type { CloudConfig } from '../../cloudinit/index.js';
import { ConfigError, TagKey, ZoneIndependentError, refuseUnmetConstraints, type EnvironmentIdentity, type HardwareLimits, type Instance, type Problem, type StartInstanceParams } from '../../src/index.js';
import { qemuCapabilities } from './capabilities.js';

/**
 * Refuses, before anything is probed or created, a start no qemu machine can satisfy: a
 * placement (the provider makes its machines itself), a zone that is not one of the
 * labels, user-data over the limit, constraints beyond what a VM here can have (`limits`: another
 * architecture, an instance type, more cores or memory than the host), another environment's ownership tag. Each is `CONFIG_INVALID`; those no other zone
 * could cure are marked zone-independent.
 */
export function refuseStart(params: { params: StartInstanceParams; zones: readonly string[]; environment: EnvironmentIdentity; limits: HardwareLimits }): void {
  const start = params.params;
  const everywhere = (message: string, options: ConstructorParameters<typeof ConfigError>[1] = {}): ZoneIndependentError =>
    new ZoneIndependentError(new ConfigError(message, options));
  if (start.placement !== undefined) {
    throw everywhere(`the qemu provider takes no placement ("${start.placement}"): it makes its machines itself`);
  }
  if (start.zone !== undefined && !params.zones.includes(start.zone)) {
    throw new ConfigError(`zone "${start.zone}" is not one of this environment's zones (${params.zones.join(', ')}); pick one of them or change "zones" in the config`);
  }
  const limit = qemuCapabilities.maxUserDataBytes;
  if (start.userData.byteLength > limit) {
    throw everywhere(`user-data for machine ${start.machineId} is ${start.userData.byteLength} bytes, over the qemu provider's limit of ${limit}; gzip it or move files out of it`);
  }
  refuseUnmetConstraints({ provider: 'qemu', constraints: start.constraints, limits: params.limits });
  const owner = start.tags[TagKey.EnvironmentUuid];
  if (owner !== undefined && owner !== params.environment.uuid) {
    throw everywhere(`the ${TagKey.EnvironmentUuid} tag is ${owner}, not this environment's ${params.environment.uuid}`);
  }
}

const packageKeys = ['packages', 'package_update', 'package_upgrade', 'apt'] as const;

/** What in a cloud-config qemu machines cannot do: install packages (they reach no mirror). */
export function cloudConfigProblems(config: CloudConfig): Problem[] {
  return packageKeys
    .filter((key) => config[key] !== undefined && config[key] !== false)
    .map((key) => ({ path: key, message: `qemu machines have no network but their SSH forward (restrict=on), so no package mirror; remove "${key}", or bake the packages into the image` }));
}

/** The zone with the fewest of `instances`, the first listed on a tie. */
export function leastPopulatedZone(zones: readonly string[], instances: readonly Pick<Instance, 'zone'>[]): string {
  const count = (zone: string): number => instances.filter((instance) => instance.zone === zone).length;
  return [...zones].sort((a, b) => count(a) - count(b))[0] ?? 'qemu-a';
}
