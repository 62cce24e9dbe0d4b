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
  reserveMachineIds,
  type ForgetMachinesParams,
  type MachineRecord,
  type RecordMachineParams,
  type ReserveMachineIdsParams,
} from './machine-records.js';
