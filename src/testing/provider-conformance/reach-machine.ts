import type { Environ } from '../../provider/index.js';
import { waitForMachine, type MachineTimeouts } from '../../provision/index.js';
import type { WaitSshResult } from '../../wait-ssh/index.js';
import type { CheckContext } from './params.js';
import type { TestMachine } from './test-machine.js';

/** The user a test machine is logged into as: its own (a manual host's), or the environment's. */
export function sshUserOf(machine: TestMachine, environ: Environ): string {
  return machine.started.instance.sshUser ?? environ.sshUser;
}

/** The host keys to pin: those a machine that keeps its own reports, or the one its user-data gave it. */
export function hostKeysOf(machine: TestMachine): readonly string[] {
  return machine.started.hostKeys ?? [machine.secrets.hostKey.publicKey];
}

/**
 * Waits for a test machine as bootstrap does (`waitForMachine`: the environment's SSH
 * route, its host key pinned, its nonce read back), through `environ` (the check's own by
 * default; another Environ of the same environment to check that one reaches it too),
 * with the kit's waitSSH knobs. The caller closes the connection.
 */
export function reachTestMachine(context: CheckContext, machine: TestMachine, environ: Environ = context.environ): Promise<WaitSshResult> {
  return waitForMachine({
    environ,
    machineId: machine.machineId,
    instanceId: machine.id,
    user: sshUserOf(machine, environ),
    hostKeys: hostKeysOf(machine),
    clientKey: context.clientKey,
    secrets: machine.secrets,
    timeouts: kitTimeouts(context),
  });
}

/** The kit's waitSSH knobs (`params.waitSsh`) as the flows take them. */
export function kitTimeouts(context: CheckContext): MachineTimeouts {
  const waitSsh = context.params.waitSsh;
  return {
    ...(waitSsh?.timeoutMs === undefined ? {} : { waitSshMs: waitSsh.timeoutMs }),
    ...(waitSsh?.tunables === undefined ? {} : { waitSshTunables: waitSsh.tunables }),
  };
}
