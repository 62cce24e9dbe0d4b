export {
  availabilityZoneAllocations,
  tallyZones,
  type AvailabilityZoneAllocationsParams,
  type TallyZonesParams,
  type ZoneAllocation,
} from './allocations.js';
export {
  distributeInstances,
  eligibleCandidates,
  type DistributeInstancesParams,
  type EligibleCandidatesParams,
} from './distribute.js';
export { ZoneChooser, type ChooseZoneParams, type ZoneChooserParams, type ZoneFailure } from './zone-chooser.js';
