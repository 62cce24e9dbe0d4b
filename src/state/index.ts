export { parseState, serializeState, stateObjectName, type ProviderState } from './state-document.js';
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
  forgetMachines,
  machineRecords,
  recordMachine,
  recordMachineFailure,
  reserveMachineIds,
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
  bootstrapProgress,
  markBootstrapComplete,
  markBootstrapFailed,
  startedBootstrap,
  type BootstrapProgress,
  type BootstrapProgressStatus,
  type MarkBootstrapCompleteParams,
  type MarkBootstrapFailedParams,
} from './bootstrap-progress.js';
