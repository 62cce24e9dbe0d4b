import assert from 'node:assert/strict';
import { formatAddress, type Environ } from '../../provider/index.js';
import { messageOf } from '../../errors/index.js';
import type { CheckContext } from './params.js';
import { reachTestMachine } from './reach-machine.js';
import { goneFromCensus, waitUntilUnlisted, withTestMachine } from './test-machine.js';

const keepRecords =
  'keep what finds a machine where every process of the environment finds it (the cloud and its tags, or records under dataDir), ' +
  'never only in the Environ object: the CLI opens a new Environ for every command';

/**
 * A machine started through the check's Environ, then seen through another Environ of the
 * same environment (`fixture.reopen`, as a later process opens it): listed, shown, reached
 * over SSH with its host key and nonce, and stopped through it until gone for both.
 */
export async function checkSurvivesReopen(context: CheckContext): Promise<void> {
  const { environ, params } = context;
  await withTestMachine(context, { machineId: '1' }, async (machine) => {
    const { id } = machine;
    const reopened = await context.fixture.reopen();
    const seen = `instance ${id} was started through one Environ, but another Environ of the same environment (reopen)`;
    const listed = (await reopened.allInstances({})).some((instance) => instance.id === id);
    assert.ok(listed, `${seen} does not list it: ${keepRecords}`);
    const [shown] = await reopened.instances({ ids: [id] });
    assert.ok(shown !== undefined, `${seen} answers instances({ ids: [${id}] }) with undefined: ${keepRecords}`);

    const waited = await reachTestMachine(context, machine, reopened).catch((error: unknown) =>
      assert.fail(`${seen} cannot reach it over SSH with its host key and nonce (${messageOf(error)}): ${keepRecords}`),
    );
    try {
      const result = await waited.connection.exec({ command: 'true' });
      assert.equal(result.exitCode, 0, `"true" on ${formatAddress(waited.address)} (instance ${id}, reached through another Environ) exited ${String(result.exitCode ?? result.exitSignal)}`);
    } finally {
      waited.connection.close();
    }

    await reopened.stopInstances({ ids: [id], waitUntilGone: true });
    const goneTimeoutMs = params.goneTimeoutMs ?? 60_000;
    for (const [who, view] of [['the Environ that stopped it (reopen)', reopened], ['the Environ that started it', environ]] as const) {
      await assertUnlisted(view, id, goneTimeoutMs, who);
    }
    if (params.census !== undefined) {
      assert.ok(await goneFromCensus(params.census, id, goneTimeoutMs), `${seen} stopped it, yet the census still counts it as live: ${keepRecords}`);
    }
  });
}

async function assertUnlisted(environ: Environ, id: string, timeoutMs: number, who: string): Promise<void> {
  await waitUntilUnlisted(environ, id, timeoutMs).catch((error: unknown) =>
    assert.fail(`instance ${id} was stopped through another Environ of its environment (reopen), but ${who} still lists it: ${messageOf(error)}; ${keepRecords}`),
  );
}
