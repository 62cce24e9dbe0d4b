import type { AvailabilityZone } from '../../src/index.js';
import type { Ec2Api } from './ec2-api.js';

/**
 * The region's availability zones (local and wavelength zones left out: instances there
 * need opt-in and other subnets). Doubles as preflight's one cheap call: it needs valid
 * credentials and a real region, and changes nothing.
 */
export async function fetchZones(api: Ec2Api, signal: AbortSignal | undefined): Promise<AvailabilityZone[]> {
  const answer = await api.describeAvailabilityZones(
    { Filters: [{ Name: 'zone-type', Values: ['availability-zone'] }] },
    { what: 'listing availability zones', signal },
  );
  return (answer.AvailabilityZones ?? [])
    .flatMap((zone) => (zone.ZoneName === undefined ? [] : [{ name: zone.ZoneName, available: zone.State === 'available' }]))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
