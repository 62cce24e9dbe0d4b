import type { AvailabilityZone, HealthCheck, PreflightResult, SshRoute } from '../../src/index.js';
import type { Ec2Config } from './config.js';
import type { ChosenImage } from './image.js';

/**
 * What the ec2 preflight reports, from what it read: the zones (which proved the
 * credentials), the SSH route, and the configured image when there is one.
 */
export function ec2HealthChecks(params: {
  readonly config: Pick<Ec2Config, 'sshCidrOpenToAll'>;
  readonly region: string;
  readonly zones: readonly AvailabilityZone[];
  readonly route: SshRoute;
  readonly image: ChosenImage | undefined;
}): PreflightResult {
  const { route, image } = params;
  const warnings: string[] = [];
  if (params.config.sshCidrOpenToAll) {
    warnings.push('SSH (port 22) is open to the whole internet (ssh-cidr 0.0.0.0/0); set ssh-cidr to your own address range to narrow it');
  }
  const available = params.zones.filter((zone) => zone.available).map((zone) => zone.name);
  const checks: HealthCheck[] = [
    { name: 'credentials', status: 'ok', detail: 'accepted by EC2 (DescribeAvailabilityZones)' },
    { name: 'region', status: 'ok', detail: `${params.region}: ${available.length} zone(s) available (${available.join(', ')})` },
    { name: 'image', status: 'ok', detail: image === undefined ? 'newest Ubuntu LTS, chosen per instance type' : `${image.id} (${image.name ?? image.arch})` },
    { name: 'ssh-route', status: 'ok', detail: route.jumpHost === undefined ? 'direct' : `through ${route.jumpHost.user}@${route.jumpHost.host}:${route.jumpHost.port}, its key pinned` },
    // Reading quotas takes the Service Quotas API, which the provider does not use: RunInstances reports a reached limit as QUOTA_EXCEEDED.
    { name: 'quota', status: 'not-checked', detail: 'vCPU and instance limits are reported by RunInstances (QUOTA_EXCEEDED); see the Service Quotas console' },
  ];
  return { warnings, checks };
}
