export type { Address, AddressScope, Hardware, Instance, InstanceStatus } from './instance.js';
export { formatAddress } from './instance.js';
export type { Constraints } from './constraints.js';
export { TagKey, environmentTags, isOwnedBy, machineTags, type EnvironmentIdentity } from './tags.js';
export type * from './environ.js';
export type * from './provider.js';
export { isZoned, type AvailabilityZone, type ZonedEnviron } from './abilities/zones.js';
export { hasInstanceTypes, type InstanceType, type InstanceTypeCatalogue } from './abilities/instance-types.js';
export { hasFirewall, type FirewalledEnviron, type IngressRule } from './abilities/firewall.js';
export { ProviderRegistry } from './registry.js';
export type { ProviderDescriptor } from './provider-descriptor.js';
export {
  constraintKeys,
  formatConstraints,
  mergeConstraints,
  parseConstraints,
  supportedArches,
  validateConstraints,
  type ValidateConstraintsResult,
} from './parse-constraints.js';
