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
