import type { AvailabilityZone, HealthCheck, PreflightResult, SshRoute } from '../../src/index.js';
import type { Ec2Config } from './config.js';
import type { ChosenImage } from './image.js';
import type { InstanceProfileCheck } from './instance-profile-check.js';

/**
 * What the ec2 preflight reports, from what it read: the zones (which proved the
 * credentials), the SSH route, the configured image and instance profile when there are.
 */
export function ec2HealthChecks(params: {
  readonly config: Pick<Ec2Config, 'sshCidrOpenToAll' | 'imageName'>;
  readonly region: string;
  readonly zones: readonly AvailabilityZone[];
  readonly route: SshRoute;
  readonly image: ChosenImage | undefined;
  /** Absent when no `instance-profile` is configured. */
  readonly instanceProfile?: InstanceProfileCheck | undefined;
}): PreflightResult {
  const { route, image, instanceProfile } = params;
  const warnings: string[] = [];
  if (params.config.sshCidrOpenToAll) {
    warnings.push('SSH (port 22) is open to the whole internet (ssh-cidr 0.0.0.0/0); set ssh-cidr to your own address range to narrow it');
  }
  if (instanceProfile?.warning !== undefined) warnings.push(instanceProfile.warning);
  const available = params.zones.filter((zone) => zone.available).map((zone) => zone.name);
  const checks: HealthCheck[] = [
    { name: 'credentials', status: 'ok', detail: 'accepted by EC2 (DescribeAvailabilityZones)' },
    { name: 'region', status: 'ok', detail: `${params.region}: ${available.length} zone(s) available (${available.join(', ')})` },
    { name: 'image', status: 'ok', detail: imageDetail(params.config, image) },
    { name: 'ssh-route', status: 'ok', detail: route.jumpHost === undefined ? 'direct' : `through ${route.jumpHost.user}@${route.jumpHost.host}:${route.jumpHost.port}, its key pinned` },
    ...(instanceProfile === undefined ? [] : [instanceProfile.check]),
    // Reading quotas takes the Service Quotas API, which the provider does not use: RunInstances reports a reached limit as QUOTA_EXCEEDED.
    { name: 'quota', status: 'not-checked', detail: 'vCPU and instance limits are reported by RunInstances (QUOTA_EXCEEDED); see the Service Quotas console' },
  ];
  return { warnings, checks };
}

function imageDetail(config: Pick<Ec2Config, 'imageName'>, image: ChosenImage | undefined): string {
  if (image !== undefined) return `${image.id} (${image.name ?? image.arch})`;
  if (config.imageName === undefined) return 'newest Ubuntu LTS, chosen per instance type';
  // Its architecture is the machine's: the planner looks it up once the constraints are known.
  return `newest of owner ${config.imageName.owner} named like ${JSON.stringify(config.imageName.name)}, looked up per architecture when planning`;
}
