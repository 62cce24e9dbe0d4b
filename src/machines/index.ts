export { addMachines, type AddMachinesParams, type AddMachinesResult, type MachineFailure } from './add-machines.js';
export { removeMachines, type RemoveMachinesParams, type RemoveMachinesResult } from './remove-machines.js';
export { stopEach, type StopEachResult } from './stop-each.js';
export { connectMachine, type ConnectMachineParams, type ConnectMachineResult } from './connect-machine.js';
export { resumeMachines, type ResumeMachinesParams, type ResumeMachinesResult, type ResumeTarget } from './resume-machines.js';
export { adoptMachines, type AdoptMachinesParams, type AdoptMachinesResult, type AdoptedMachine, type AdoptRefusal } from './adopt-machines.js';
export {
  changeMachineKeys,
  machineFailureText,
  proveLogins,
  type EachMachineParams,
  type LoginOutcome,
  type MachineKeysOutcome,
  type MachineKeysParams,
} from './machine-authorized-keys.js';
export { authorizedKeysScript, parseAuthorizedKeysReport, type AuthorizedKeysChange, type AuthorizedKeysScriptParams } from './authorized-keys-script.js';
