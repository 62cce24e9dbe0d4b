import assert from 'node:assert/strict';
import { ErrorCode, errorCodeOf, findInChain, messageOf } from '../../errors/index.js';
import { formatAddress, jumpTargetOf, routeAddresses, sshRouteOf, type Environ, type SshRoute } from '../../provider/index.js';
import { connectSsh, generateSshKeyPair } from '../../ssh/index.js';
import { waitSSH, type RefreshableInstance } from '../../wait-ssh/index.js';
import type { CheckContext } from './params.js';
import { withTestMachine } from './test-machine.js';

/**
 * Boots a machine and proves it as bootstrap does: waitSSH over the environment's route,
 * pinning the host key from its user-data and reading back its nonce; runs `true` on it;
 * then checks that the same address is refused to a client pinning another host key.
 */
export async function checkBootProbe(context: CheckContext): Promise<void> {
  const { environ, clientKey, params } = context;
  await withTestMachine(context, { machineId: '1' }, async (machine) => {
    const route = await sshRouteOf(environ);
    const jumpHost = jumpTargetOf(route, clientKey.privateKey);
    const through = jumpHost === undefined ? {} : { jumpHost };
    // A machine that keeps its own host keys reports them; others have the ones in their user-data.
    const hostKeys = machine.started.hostKeys ?? [machine.secrets.hostKey.publicKey];
    const user = machine.started.instance.sshUser ?? environ.sshUser;
    const waited = await waitSSH({
      instance: refreshable(environ, machine.id, route),
      user,
      privateKey: clientKey.privateKey,
      hostKeys,
      nonce: machine.secrets.nonce,
      ...through,
      ...(params.waitSsh?.timeoutMs === undefined ? {} : { timeoutMs: params.waitSsh.timeoutMs }),
      ...(params.waitSsh?.tunables === undefined ? {} : { tunables: params.waitSsh.tunables }),
    });
    const where = `${user}@${formatAddress(waited.address)} (instance ${machine.id})`;
    try {
      const result = await waited.connection.exec({ command: 'true' });
      assert.equal(result.exitCode, 0, `"true" on ${where} exited ${String(result.exitCode ?? result.exitSignal)}: ${result.stderr.toString()}`);
    } finally {
      waited.connection.close();
    }

    const impostor = generateSshKeyPair({ comment: 'envboot-conformance-impostor' });
    const outcome = await connectSsh({
      host: waited.address.value,
      port: waited.address.port ?? 22,
      user,
      privateKey: clientKey.privateKey,
      hostKeys: [impostor.publicKey],
      ...through,
    }).then(
      (connection) => {
        connection.close();
        return undefined;
      },
      (error: unknown) => error,
    );
    assert.ok(outcome !== undefined, `${where} was reached pinning a host key it never had: the machine's SSH is not what its user-data set up`);
    assert.ok(
      findInChain(outcome, ErrorCode.SshHostKeyMismatch) !== undefined,
      `pinning another host key on ${where} failed with ${String(errorCodeOf(outcome))}: ${messageOf(outcome)}, not ${ErrorCode.SshHostKeyMismatch}`,
    );
  });
}

/** The instance as waitSSH polls it: through `environ.instances`, on the addresses the route allows. */
function refreshable(environ: Environ, id: string, route: SshRoute): RefreshableInstance {
  return {
    id,
    refresh: async ({ signal }) => {
      const [view] = await environ.instances({ ids: [id], ...(signal === undefined ? {} : { signal }) });
      if (view === undefined) return { status: 'terminated', addresses: [], statusMessage: `${environ.provider} no longer lists it` };
      return { ...view, addresses: routeAddresses(route, view.addresses) };
    },
  };
}
