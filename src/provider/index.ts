export type { Address, AddressScope, Hardware, Instance, InstanceStatus } from './instance.js';
export { formatAddress } from './instance.js';
export { preflightEnviron, prepareEnviron, tearDownEnviron } from './lifecycle.js';
export type { Constraints } from './constraints.js';
export { TagKey, environmentTags, isOwnedBy, machineTags, type EnvironmentIdentity } from './tags.js';
export type * from './environ.js';
export type * from './provider.js';
export { abilitiesOf, abilityMethods, implementsAbility, partialAbilities, type AbilityName } from './abilities/ability-methods.js';
export { isZoned, type AvailabilityZone, type ZonedEnviron } from './abilities/zones.js';
export { hasInstanceTypes, includeNamed, type InstanceType, type InstanceTypeCatalogue, type InstanceTypesParams } from './abilities/instance-types.js';
export { hasFirewall, type ChangePortsParams, type FirewalledEnviron, type IngressRule, type IngressRulesParams } from './abilities/firewall.js';
export { canCleanUp, type CleanupProvider, type FindLeftoversParams, type FindLeftoversResult, type Leftover, type RemoveLeftoversParams, type RemoveLeftoversResult } from './abilities/cleanup.js';
export { hasConsoleOutput, type ConsoleEnviron, type ConsoleOutput } from './abilities/console-output.js';
export { hasUserData, type UserDataEnviron } from './abilities/user-data.js';
export { hasHardwareLimits, type HardwareConstraintKey, type HardwareLimits, type HardwareLimitsEnviron, type HardwareLimitsParams } from './abilities/hardware-limits.js';
export {
  applyConstraintDefaults,
  formatConstraintDefault,
  hasConstraintDefaults,
  type ConstraintDefault,
  type ConstraintDefaults,
  type ConstraintDefaultsEnviron,
  type ConstraintDefaultsParams,
  type DefaultedConstraint,
  type DefaultedConstraints,
} from './abilities/constraint-defaults.js';
export { hasSshRoute, jumpTargetOf, routeAddresses, sshRouteOf, type JumpHost, type RoutedEnviron, type SshRoute } from './abilities/ssh-route.js';
export {
  canPlan,
  type PlanStartParams,
  type PlanStep,
  type PlannedCall,
  type PlannedImage,
  type PlannedNetwork,
  type PlannedResource,
  type PlanningEnviron,
  type ProviderPlan,
} from './abilities/plan.js';
export { ProviderRegistry, type ExternalProviders, type ProviderRegistryOptions } from './registry.js';
export type { ProviderDescriptor, ProviderInfo } from './provider-descriptor.js';
export {
  placementFlagHelp,
  placementFlagsGaps,
  type ApplyPlacementFlagsParams,
  type ApplyPlacementFlagsResult,
  type PlacementCommand,
  type PlacementFlag,
  type PlacementFlags,
  type PlacementFlagValues,
} from './placement-flags.js';
export {
  constraintKeys,
  formatConstraints,
  mergeConstraints,
  parseConstraints,
  supportedArches,
  validateConstraints,
  type ValidateConstraintsResult,
} from './parse-constraints.js';
