import {
  formatIngressRule,
  type EnvironmentIdentity,
  type PlanStartParams,
  type PlannedCall,
  type PlannedResource,
  type ProviderPlan,
} from '../../src/index.js';
import type { Ec2Config } from './config.js';
import type { Ec2Api } from './ec2-api.js';
import type { ChosenImage } from './image.js';
import { imageLookups, plannedImage } from './plan-image.js';
import { launchNotes, launchPurpose } from './plan-launch.js';
import { awsAccessNotes } from './plan-access.js';
import { zoneSubnet, type Ec2Network } from './network.js';
import { expiryCalls, tagNotes } from './plan-tags.js';
import { planSecurityGroup, type SecurityGroupPlan } from './security-group.js';

/** What a start would use, as `Ec2Environ`'s start chooses it (the same memos and lookups). */
export interface Ec2StartChoices {
  readonly typeName: string;
  readonly image: ChosenImage;
  readonly network: Ec2Network;
}

export interface PlanEc2StartParams {
  readonly start: PlanStartParams;
  readonly api: Ec2Api;
  readonly environment: EnvironmentIdentity;
  readonly config: Ec2Config & { readonly bucket: string };
  /** The region the Environ works in (configured, or the SDK chain's). */
  readonly region: string;
  readonly choices: Ec2StartChoices;
  /** Where provider-state lives, `s3://bucket/prefix/`. */
  readonly stateLocation: string;
  /** Whether the bucket lists anything (so exists); asked only for a bootstrap, which would create a missing one. */
  readonly bucketListed: boolean | undefined;
}

/**
 * The plan of one start on EC2, read-only: the image and subnets the start would use (from
 * `choices`), the security group `ensureSecurityGroup` would find or create (its own
 * lookup, one DescribeSecurityGroups), the bucket, and every EC2 and S3 call of the real
 * run in order, which is also the IAM policy the run needs (see `ec2ProviderCalls`).
 */
export async function planEc2Start(params: PlanEc2StartParams): Promise<ProviderPlan> {
  const { start, config, choices } = params;
  const group = await planSecurityGroup({ api: params.api, environment: params.environment, vpcId: choices.network.vpcId, sshCidrs: config.sshCidrs, signal: start.signal });
  const subnets = start.zones.flatMap((zone) => {
    const subnet = zoneSubnet(choices.network, zone);
    return subnet === undefined ? [] : [{ zone, subnet }];
  });
  const calls = ec2Calls(params, group);
  return {
    image: plannedImage(config, choices.image),
    network: {
      description: choices.network.vpcId === undefined
        ? `${params.region}, the account's default VPC: EC2 picks each zone's default subnet`
        : `${params.region}, VPC ${choices.network.vpcId}`,
      ...(subnets.length === 0 ? {} : { subnets }),
    },
    resources: resources(params, group),
    calls,
    permissions: permissionsFor(calls, start.bootstrap, config),
    notes: [
      "the permissions cover tagging at creation (ec2:CreateTags), re-reading provider-state after a lost race, a silent machine's console (ec2:GetConsoleOutput) and undoing a failed run",
      ...(config.sshCidrOpenToAll ? ['SSH (port 22) would be open to the whole internet (ssh-cidr 0.0.0.0/0); set ssh-cidr to narrow it'] : []),
      ...tagNotes({ config, bootstrap: start.bootstrap }),
      ...launchNotes(config),
      ...awsAccessNotes({ config, region: params.region, environmentName: params.environment.name }),
    ],
  };
}

function resources(params: PlanEc2StartParams, group: SecurityGroupPlan): PlannedResource[] {
  const opens = group.missingSshCidrs.length === 0 ? undefined : `opens SSH from ${group.missingSshCidrs.join(', ')}${group.opensPeers ? ' and traffic between the machines' : ''}`;
  const securityGroup: PlannedResource = group.groupId === undefined
    ? { kind: 'security-group', name: group.name, action: 'create', ...(opens === undefined ? {} : { detail: opens }) }
    : { kind: 'security-group', name: `${group.name} (${group.groupId})`, action: 'reuse', ...(opens === undefined ? {} : { detail: opens }) };
  if (params.bucketListed === undefined) return [securityGroup];
  const bucket: PlannedResource = params.bucketListed
    ? { kind: 'bucket', name: params.config.bucket, action: 'reuse' }
    : { kind: 'bucket', name: params.config.bucket, action: 'create', detail: 'it lists nothing: made on the first write, unless it exists empty' };
  return [bucket, securityGroup];
}

/** The real run's calls, step by step, as the flows and `Ec2Environ` make them. */
function ec2Calls(params: PlanEc2StartParams, group: SecurityGroupPlan): PlannedCall[] {
  const { start, config } = params;
  const calls: PlannedCall[] = [];
  const read = (step: PlannedCall['step'], action: string, purpose: string): void => {
    calls.push({ step, action, purpose, writes: false });
  };
  const write = (step: PlannedCall['step'], action: string, purpose: string): void => {
    calls.push({ step, action, purpose, writes: true });
  };
  if (!start.bootstrap) read('preflight', 's3:GetObject', 'read provider-state');
  read('preflight', 'ec2:DescribeAvailabilityZones', "list the region's zones");
  if (config.vpc !== undefined || config.subnets !== undefined) read('preflight', 'ec2:DescribeSubnets', "find the configured network's subnets");
  // A configured image is looked up before anything is created (preflight, the planner's defaults); the start then uses what was found.
  const image = imageLookups(config, params.choices.image.arch);
  if (image.beforeTypes !== undefined) read('preflight', 'ec2:DescribeImages', image.beforeTypes);
  if (config.instanceProfile !== undefined) read('preflight', 'iam:GetInstanceProfile', `check that instance profile ${config.instanceProfile.name} exists`);
  read('preflight', 'ec2:DescribeInstanceTypeOfferings', 'find which zones offer which instance types');
  read('preflight', 'ec2:DescribeInstanceTypes', "read the instance types' hardware");
  if (image.afterTypes !== undefined) read('preflight', 'ec2:DescribeImages', image.afterTypes);
  if (!start.bootstrap && start.zones.length > 0) read('preflight', 'ec2:DescribeInstances', 'count the machines per zone, to spread');
  if (start.bootstrap) {
    write('claim', 's3:PutObject', `create provider-state in ${params.stateLocation}, only if absent`);
    if (params.bucketListed === false) {
      write('claim', 's3:CreateBucket', `create bucket ${config.bucket}`);
      write('claim', 's3:PutObject', "mark the bucket as envboot's");
    }
    if (group.groupId === undefined) expiryCalls(config).forEach((call) => calls.push(call));
    prepareCalls(read, write, 'prepare', group);
    if ((start.expose ?? []).length > 0) {
      read('open-ports', 'ec2:DescribeSecurityGroups', 'read what the security group opens');
      write('open-ports', 'ec2:AuthorizeSecurityGroupIngress', `open ${(start.expose ?? []).map(formatIngressRule).join('; ')}`);
    }
  } else {
    read('reserve-ids', 's3:GetObject', 'read provider-state');
    write('reserve-ids', 's3:PutObject', 'reserve the machine ids, if provider-state is unchanged');
  }
  if (image.atStart !== undefined) read('start-instance', 'ec2:DescribeImages', image.atStart);
  if (!start.bootstrap) prepareCalls(read, write, 'start-instance', group);
  const [first, ...rest] = start.zones;
  const where = first === undefined ? '' : ` in ${first}${rest.length === 0 ? '' : ` (then ${rest.join(', ')} if that one has no capacity)`}`;
  write('start-instance', 'ec2:RunInstances', `start machine ${start.machineId} as ${params.choices.typeName}${launchPurpose(config)}${where}, tagged at creation`);
  if (!start.bootstrap) read('record-state', 's3:GetObject', 'read provider-state');
  write('record-state', 's3:PutObject', `record machine ${start.machineId}, if provider-state is unchanged`);
  read('wait-ssh', 'ec2:DescribeInstances', "read the machine's addresses until SSH answers");
  if (start.bootstrap) write('complete', 's3:PutObject', 'mark the bootstrap complete');
  return calls;
}

/** `ensureSecurityGroup`'s calls (in `prepare` for a bootstrap, on the first start of an add-machine). */
function prepareCalls(
  read: (step: PlannedCall['step'], action: string, purpose: string) => void,
  write: (step: PlannedCall['step'], action: string, purpose: string) => void,
  step: PlannedCall['step'],
  group: SecurityGroupPlan,
): void {
  read(step, 'ec2:DescribeSecurityGroups', `find security group ${group.name} by its tag`);
  if (group.groupId === undefined) write(step, 'ec2:CreateSecurityGroup', `create security group ${group.name}, tagged`);
  if (group.missingSshCidrs.length > 0) {
    write(step, 'ec2:AuthorizeSecurityGroupIngress', `open SSH from ${group.missingSshCidrs.join(', ')}${group.opensPeers ? ' and traffic between the machines' : ''}`);
  }
}

/** What undoes a failed run: the instance, and for a bootstrap the security group, volumes and provider-state (and a bucket it made). */
function undoActions(bootstrap: boolean): string[] {
  return bootstrap
    ? ['ec2:TerminateInstances', 'ec2:DescribeSecurityGroups', 'ec2:DeleteSecurityGroup', 'ec2:DescribeVolumes', 'ec2:DeleteVolume', 's3:ListBucket', 's3:DeleteObject', 's3:DeleteBucket']
    : ['ec2:TerminateInstances', 's3:GetObject', 's3:PutObject'];
}

/**
 * The IAM actions of the run, success or failure: its calls, tagging at creation, listing,
 * the console and the undo; with an instance profile, passing its role (iam:PassRole).
 */
function permissionsFor(calls: readonly PlannedCall[], bootstrap: boolean, config: Ec2Config): string[] {
  const passRole = config.instanceProfile === undefined ? [] : ['iam:PassRole'];
  const all = new Set([...calls.map((call) => call.action), 'ec2:CreateTags', 's3:ListBucket', 's3:GetObject', 'ec2:GetConsoleOutput', ...undoActions(bootstrap), ...passRole]);
  const of = (service: string): string[] => [...all].filter((action) => action.startsWith(`${service}:`));
  return [...of('ec2'), ...of('s3'), ...of('iam')];
}
