import type { Storage } from '../../storage/index.js';
import { asError, environmentExpiry, isNotBootstrapped, loadState, TagKey, type FindLeftoversResult, type Leftover } from '../../src/index.js';
import type { Ec2Api } from './ec2-api.js';
import type { Ec2StateLocation } from './ec2-services.js';
import { Ec2TagKey, parseStateLocation } from './ec2-tags.js';
import { expiredReason, expiryProblem, stateExpiry } from './expiry-verdict.js';
import { liveStates } from './owned-instances.js';
import { after, allPages } from './paginate.js';

interface Candidate {
  readonly kind: 'instance' | 'volume' | 'security-group';
  readonly id: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly createdAt?: Date | undefined;
}

export interface FindEc2LeftoversParams {
  readonly api: Ec2Api;
  /** Reads provider-state where a resource's tag says it lives. */
  readonly stateStorage: (location: Ec2StateLocation) => Storage;
  readonly olderThanMs?: number | undefined;
  /** Also resources whose `envboot-expires-at` has passed, and then their provider-state (see `stateExpiry`). */
  readonly expired?: boolean | undefined;
  readonly now?: Date;
  readonly signal?: AbortSignal | undefined;
}

/**
 * Every envboot-tagged instance (not terminated), volume and security group of the
 * region, judged per environment: a leftover when the provider-state its tag points to
 * is gone or now belongs to another environment, or when it is older than the cutoff.
 * An environment whose state cannot be read, or whose resources say nothing of where it
 * lives, is reported as undecided and left alone (unless the cutoff applies). With
 * `expired`, a resource whose own expiry tag has passed is a leftover too, whatever its
 * environment's state, and so is that provider-state once all of its environment goes.
 */
export async function findEc2Leftovers(params: FindEc2LeftoversParams): Promise<FindLeftoversResult> {
  const candidates = [...(await taggedInstances(params)), ...(await taggedVolumes(params)), ...(await taggedGroups(params))];
  const byEnvironment = new Map<string, Candidate[]>();
  for (const candidate of candidates) {
    const uuid = candidate.tags[TagKey.EnvironmentUuid] ?? '';
    byEnvironment.set(uuid, [...(byEnvironment.get(uuid) ?? []), candidate]);
  }
  const at = params.now ?? new Date();
  const now = at.getTime();
  const leftovers: Leftover[] = [];
  const undecided: { environment: string; reason: string }[] = [];
  for (const [uuid, resources] of byEnvironment) {
    const name = resources.map((r) => r.tags[TagKey.EnvironmentName]).find((n) => n !== undefined);
    const verdict = await judgeEnvironment(params, uuid, resources);
    let kept = 0;
    for (const resource of resources) {
      const old = params.olderThanMs !== undefined && resource.createdAt !== undefined && now - resource.createdAt.getTime() > params.olderThanMs;
      const expired = params.expired === true ? expiredReason(resource.tags, at) : undefined;
      const reason = verdict.gone ?? (old ? `older than the cutoff (made ${resource.createdAt.toISOString()})` : expired);
      if (reason === undefined) {
        kept += 1;
        const problem = params.expired === true ? expiryProblem(resource.tags) : undefined;
        if (problem !== undefined) undecided.push({ environment: `${name ?? '?'} (${uuid})`, reason: `${resource.kind} ${resource.id}: ${problem}` });
        continue;
      }
      leftovers.push({
        kind: resource.kind,
        id: resource.id,
        environment: { uuid, ...(name === undefined ? {} : { name }) },
        ...(resource.createdAt === undefined ? {} : { createdAt: resource.createdAt }),
        reason,
      });
    }
    if (verdict.undecided !== undefined && kept > 0) {
      undecided.push({ environment: `${name ?? '?'} (${uuid})`, reason: verdict.undecided });
    }
    if (params.expired === true && verdict.owned !== undefined) {
      const environment = { uuid, ...(name === undefined ? {} : { name }) };
      const state = stateExpiry({ ...verdict.owned, environment, kept, now: at });
      if (state.leftover !== undefined) leftovers.push(state.leftover);
      if (state.undecided !== undefined) undecided.push({ environment: `${name ?? '?'} (${uuid})`, reason: state.undecided });
    }
  }
  return { leftovers, undecided };
}

interface Verdict {
  readonly gone?: string;
  readonly undecided?: string;
  /** Provider-state is this environment's: where, and the expiry it records. */
  readonly owned?: { readonly where: string; readonly expiresAt: Date | undefined };
}

async function judgeEnvironment(params: FindEc2LeftoversParams, uuid: string, resources: readonly Candidate[]): Promise<Verdict> {
  const tagged = resources.map((r) => r.tags[Ec2TagKey.ProviderState]).find((value) => value !== undefined);
  const location = parseStateLocation(tagged);
  if (location === undefined) return { undecided: 'its resources do not say where its provider-state lives' };
  const where = `s3://${location.bucket}/${location.prefix}`;
  try {
    const storage = params.stateStorage({ bucket: location.bucket, prefix: location.prefix, createBucket: false });
    const { state } = await loadState({ storage, ...(params.signal === undefined ? {} : { signal: params.signal }) });
    const owner = (state.fields['environment'] as { uuid?: unknown } | undefined)?.uuid;
    if (owner === uuid) return { owned: { where, expiresAt: environmentExpiry(state) } };
    return { gone: `provider-state at ${where} now belongs to environment ${typeof owner === 'string' ? owner : '?'}` };
  } catch (error) {
    if (isNotBootstrapped(error)) return { gone: `no provider-state at ${where}` };
    return { undecided: `cannot read its provider-state at ${where}: ${asError(error).message}` };
  }
}

function tagsOf(tags: readonly { Key?: string | undefined; Value?: string | undefined }[] | undefined): Record<string, string> {
  return Object.fromEntries((tags ?? []).flatMap((tag) => (tag.Key === undefined ? [] : [[tag.Key, tag.Value ?? '']])));
}

const taggedFilter = { Name: 'tag-key', Values: [TagKey.EnvironmentUuid] };

async function taggedInstances(params: FindEc2LeftoversParams): Promise<Candidate[]> {
  const instances = await allPages({
    page: (token) =>
      params.api.describeInstances(
        { Filters: [taggedFilter, { Name: 'instance-state-name', Values: liveStates }], MaxResults: 1000, ...after(token) },
        { what: 'listing envboot instances', signal: params.signal },
      ),
    items: (page) => (page.Reservations ?? []).flatMap((r) => r.Instances ?? []),
  });
  return instances.map((instance) => ({ kind: 'instance', id: instance.InstanceId ?? '', tags: tagsOf(instance.Tags), createdAt: instance.LaunchTime }));
}

async function taggedVolumes(params: FindEc2LeftoversParams): Promise<Candidate[]> {
  const volumes = await allPages({
    page: (token) => params.api.describeVolumes({ Filters: [taggedFilter], MaxResults: 500, ...after(token) }, { what: 'listing envboot volumes', signal: params.signal }),
    items: (page) => page.Volumes ?? [],
  });
  return volumes.map((volume) => ({ kind: 'volume', id: volume.VolumeId ?? '', tags: tagsOf(volume.Tags), createdAt: volume.CreateTime }));
}

async function taggedGroups(params: FindEc2LeftoversParams): Promise<Candidate[]> {
  const groups = await allPages({
    page: (token) =>
      params.api.describeSecurityGroups({ Filters: [taggedFilter], MaxResults: 1000, ...after(token) }, { what: 'listing envboot security groups', signal: params.signal }),
    items: (page) => page.SecurityGroups ?? [],
  });
  return groups.map((group): Candidate => {
    const tags = tagsOf(group.Tags);
    // A tag anyone can edit: a value that is no date gives no age, rather than an Invalid Date.
    const made = new Date(tags[Ec2TagKey.CreatedAt] ?? Number.NaN);
    return { kind: 'security-group', id: group.GroupId ?? '', tags, ...(Number.isNaN(made.getTime()) ? {} : { createdAt: made }) };
  });
}
