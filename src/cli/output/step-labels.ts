import type { Phase } from '../../provision/events.js';

const labels: Readonly<Record<Phase, string>> = {
  preflight: 'Checking the provider (credentials, quota, constraints)',
  claim: 'Claiming the environment in provider-state',
  prepare: 'Preparing shared resources',
  'open-ports': 'Opening ports (expose)',
  'close-ports': 'Closing ports (unexpose)',
  'choose-instance-type': 'Choosing an instance type',
  'generate-keys': 'Generating host keys, nonce and user-data',
  'start-instance': 'Starting the instance',
  'record-state': 'Recording the machine in provider-state',
  'wait-ssh': 'Waiting for SSH and the nonce',
  configure: 'Configuring the machine',
  cleanup: 'Cleaning up',
  'find-instances': "Finding the environment's instances",
  'stop-instances': 'Stopping instances',
  teardown: 'Removing shared resources',
  'remove-storage': 'Removing provider-state and storage',
};

/** The operator's name for a phase, with the machine it concerns. */
export function stepLabel(phase: Phase, machineId: string | undefined): string {
  const label = labels[phase];
  return machineId === undefined ? label : `machine ${machineId}: ${label.charAt(0).toLowerCase()}${label.slice(1)}`;
}
