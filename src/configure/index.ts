export { configureMachine, type ConfigureEvent, type ConfigureMachineParams, type ConfigureMachineResult } from './configure-machine.js';
export { LineSplitter, LineTail } from './line-splitter.js';
