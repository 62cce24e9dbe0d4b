export { parseState, serializeState, stateObjectName, type ProviderState } from './state-document.js';
export { environmentExpiry, expiresAtField, parseRfc3339, withEnvironmentExpiry } from './environment-expiry.js';
export {
  addStateInstance,
  loadState,
  removeStateInstances,
  saveState,
  updateState,
  type AddStateInstanceParams,
  type LoadStateParams,
  type LoadedState,
  type RemoveStateInstancesParams,
  type SaveStateParams,
  type UpdateStateParams,
} from './provider-state.js';
export {
  clearMachineFailure,
  forgetMachines,
  machineRecords,
  markMachinesReady,
  recordMachine,
  recordMachineFailure,
  reserveMachineIds,
  withMachinesReady,
  type ClearMachineFailureParams,
  type MarkMachinesReadyParams,
  type ForgetMachinesParams,
  type MachineRecord,
  type RecordMachineFailureParams,
  type RecordMachineParams,
  type ReserveMachineIdsParams,
} from './machine-records.js';
export {
  failureFromError,
  failureMessageLength,
  type FailureFromErrorParams,
  type RecordedFailure,
} from './recorded-failure.js';
export {
  assertOwnsBootstrap,
  bootstrapAttempt,
  bootstrapProgress,
  markBootstrapComplete,
  markBootstrapFailed,
  markBootstrapResumed,
  startedBootstrap,
  type BootstrapProgress,
  type BootstrapProgressStatus,
  type MarkBootstrapCompleteParams,
  type MarkBootstrapFailedParams,
} from './bootstrap-progress.js';
