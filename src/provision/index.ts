export type { FlowEvent, FlowEventSink, Phase } from './events.js';
export { runPhase, type PhaseTiming, type RunPhaseParams } from './phase.js';
export { CleanupIncompleteError, runCleanupPhase, type RunCleanupPhaseParams } from './cleanup-phase.js';
export { machineUserData, type MachineUserData, type MachineUserDataParams } from './machine-user-data.js';
export { proofFromUserData, type MachineProof } from './machine-proof.js';
export { memoryProofKeeper, type MachineProofKeeper } from './machine-proof-keeper.js';
export { finishMachine, type FinishMachineParams } from './finish-machine.js';
export { resumeMachine, type ResumeMachineParams, type ResumeOutcome, type ResumedMachine } from './resume-machine.js';
export { startInZones, type StartInZonesParams, type StartRequest } from './start-in-zones.js';
export { releaseMachine, type ReleaseMachineParams } from './release-machine.js';
export { checkCloudConfigFor } from './check-cloud-config.js';
export {
  provisionMachine,
  type MachineTimeouts,
  type ProvisionMachineParams,
  type ProvisionedMachine,
} from './provision-machine.js';
export { readConsole, type ReadConsoleParams } from './read-console.js';
export { waitForMachine, type WaitForMachineParams } from './wait-for-machine.js';
export {
  applyUserData,
  type ApplyUserDataParams,
  type ApplyUserDataResult,
  type MachineExec,
  type MachineExecOptions,
  type MachineExecResult,
} from './apply-user-data.js';
