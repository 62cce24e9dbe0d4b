export { planMachines, type MachinePlan, type MachineStart, type PlanMachinesParams } from './plan-machines.js';
export { askedZones, knownZones, usableZones, type AskedZones, type UsableZonesParams } from './plan-zones.js';
export { chooseInstanceType, instanceTypeChoice, type ChooseInstanceTypeParams, type InstanceTypeChoice } from './choose-instance-type.js';
export {
  asksForHardware,
  checkHardware,
  hardwareWords,
  noInstanceTypes,
  refuseUnmetConstraints,
  unmetConstraintsError,
  type CheckHardwareParams,
  type HardwareCheck,
} from './check-hardware.js';
export { readableSize, sizeAtMost, sizeConstraint } from './sizes.js';
export {
  availabilityZoneAllocations,
  instancesWithZones,
  tallyZones,
  type AvailabilityZoneAllocationsParams,
  type PlacedInstances,
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
export { zonesFromChooser, zonesInOrder, type ZonePicker } from './zone-picker.js';
