/**
 * envboot's ownership tags. Every cloud resource an environment creates carries
 * `envboot-environment-uuid`; envboot never modifies or deletes a resource without its
 * environment's UUID in that tag. Providers on clouds without tags use a name prefix
 * that embeds the UUID instead, and say so in their docs.
 */
export const TagKey = {
  EnvironmentUuid: 'envboot-environment-uuid',
  EnvironmentName: 'envboot-environment',
  MachineId: 'envboot-machine-id',
  Name: 'Name',
} as const;

/** The name and UUID of one environment: what ownership tags are made of. */
export interface EnvironmentIdentity {
  readonly name: string;
  readonly uuid: string;
}

/** The tags every resource of `environment` carries. */
export function environmentTags(environment: EnvironmentIdentity): Record<string, string> {
  return {
    [TagKey.EnvironmentUuid]: environment.uuid,
    [TagKey.EnvironmentName]: environment.name,
  };
}

/** The tags of one machine: the environment's, its machine id, and a readable name. */
export function machineTags(environment: EnvironmentIdentity, machineId: string): Record<string, string> {
  return {
    ...environmentTags(environment),
    [TagKey.MachineId]: machineId,
    [TagKey.Name]: `envboot-${environment.name}-machine-${machineId}`,
  };
}

/** True when `tags` mark the resource as owned by `environment`. */
export function isOwnedBy(tags: Readonly<Record<string, string>>, environment: EnvironmentIdentity): boolean {
  return tags[TagKey.EnvironmentUuid] === environment.uuid;
}
