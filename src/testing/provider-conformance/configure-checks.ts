import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { CloudConfig } from '../../../cloudinit/index.js';
import { configureMachine } from '../../configure/index.js';
import { messageOf } from '../../errors/index.js';
import { connectMachine } from '../../machines/index.js';
import { formatAddress } from '../../provider/index.js';
import { recordMachine, saveState } from '../../state/index.js';
import type { CheckContext } from './params.js';
import { hostKeysOf, reachTestMachine, sshUserOf } from './reach-machine.js';
import { withTestMachine, type TestMachine } from './test-machine.js';

/** Where the check's cloud-config writes; `ENVBOOT_ROOT` is a test host's root (unset on a real machine). */
const directory = '/var/lib/envboot-conformance';
const onMachine = (file: string): string => `"\${ENVBOOT_ROOT:-}"${directory}/${file}`;

/**
 * Boots a machine, applies a small cloud-config with `configureMachine` over the verified
 * connection (as bootstrap does: the provider's SSH user, through its route, with
 * `sudo -n` when that user is not root), then reads the result back over a later
 * connection made as `envboot exec` makes one (`connectMachine`, from provider-state).
 */
export async function checkConfigureOverRoute(context: CheckContext): Promise<void> {
  const { environ } = context;
  await withTestMachine(context, { machineId: '1' }, async (machine) => {
    const user = sshUserOf(machine, environ);
    const content = `envboot conformance ${randomBytes(8).toString('hex')}\n`;
    const config: CloudConfig = {
      write_files: [{ path: `${directory}/written`, content, permissions: '0644' }],
      runcmd: [`touch ${onMachine('ran')}`],
    };
    const waited = await reachTestMachine(context, machine);
    const where = `instance ${machine.id} (${user}@${formatAddress(waited.address)})`;
    try {
      await configureMachine({ connection: waited.connection, config, timeoutMs: 120_000 }).catch((error: unknown) =>
        assert.fail(
          `configureMachine on ${where} failed: ${messageOf(error)}. Common code configures every machine this way: ` +
            "the provider's sshUser must be root or have passwordless sudo (sudo -n), with /bin/sh, and may write under /var/lib and /tmp",
        ),
      );
    } finally {
      waited.connection.close();
    }
    await recordTestMachine(context, machine);
    const { connection } = await connectMachine({ environ, machineId: machine.machineId, clientKey: context.clientKey }).catch((error: unknown) =>
      assert.fail(`a later connection to ${where} as envboot exec makes one (connectMachine) failed: ${messageOf(error)}; a configured machine keeps its host key, user and addresses`),
    );
    try {
      const read = await connection.exec({ command: `cat ${onMachine('written')}` });
      assert.equal(
        read.stdout.toString(),
        content,
        `the file write_files put at ${directory}/written on ${where} reads back as ${JSON.stringify(read.stdout.toString())} (${read.stderr.toString().trim()}): ` +
          `a later SSH session as ${user} must see what configureMachine wrote`,
      );
      const ran = await connection.exec({ command: `test -e ${onMachine('ran')}` });
      assert.equal(ran.exitCode, 0, `runcmd's touch of ${directory}/ran on ${where} left no file: configureMachine's commands must run on the machine itself`);
    } finally {
      connection.close();
    }
  });
}

/** Records the machine in a new provider-state, as bootstrap does, so that connectMachine finds it. */
async function recordTestMachine(context: CheckContext, machine: TestMachine): Promise<void> {
  const storage = context.environ.storage();
  const user = machine.started.instance.sshUser;
  const zone = machine.started.instance.zone ?? machine.zone;
  await saveState({ storage, state: { stateInstances: [], fields: {} }, expect: 'create' });
  await recordMachine({
    storage,
    machine: { id: machine.machineId, instanceId: machine.id, hostKeys: hostKeysOf(machine), ...(zone === undefined ? {} : { zone }), ...(user === undefined ? {} : { user }) },
  });
}
