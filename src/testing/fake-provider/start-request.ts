import { ConfigError } from '../../errors/index.js';
import { environmentTags, type EnvironmentIdentity, type StartInstanceParams } from '../../provider/index.js';

/**
 * Rejects a start request the fake cloud would refuse whatever its faults, with
 * `CONFIG_INVALID`: a zone it does not have, or tags without the environment's ownership
 * tags (a provider never creates what it could not find again).
 */
export function checkStartRequest(params: {
  readonly start: StartInstanceParams;
  readonly zone: string | undefined;
  readonly zones: readonly string[];
  readonly environment: EnvironmentIdentity;
}): void {
  const { start, zone, zones } = params;
  if (zone !== undefined && !zones.includes(zone)) {
    throw new ConfigError(`the fake cloud has no zone "${zone}"; its zones are: ${zones.join(', ')}`);
  }
  const missing = Object.entries(environmentTags(params.environment)).filter(([key, value]) => start.tags[key] !== value);
  if (missing.length > 0) {
    const wanted = missing.map(([key, value]) => `${key}=${value}`).join(', ');
    throw new ConfigError(`starting machine ${start.machineId}: its tags lack the ownership tags ${wanted}`);
  }
}
