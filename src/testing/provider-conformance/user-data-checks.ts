import assert from 'node:assert/strict';
import { Buffer } from 'node:buffer';
import { ErrorCode, errorCodeOf, findInChain, messageOf } from '../../errors/index.js';
import { hasUserData, type UserDataEnviron } from '../../provider/index.js';
import { madeUpInstanceId } from './contract-checks.js';
import { withOtherEnvironment } from './other-environment.js';
import type { CheckContext } from './params.js';
import { withTestMachine } from './test-machine.js';

/**
 * For an Environ with the user-data ability: a started instance's user-data comes back
 * byte for byte as `startInstance` got it (what `adopt` and `bootstrap --resume` prove a
 * machine from); an unknown id is undefined, never an error; another environment is given
 * none of it (it holds the host private key); an aborted signal is `CANCELLED`. The
 * machine need not have booted: nothing here waits for it.
 */
export async function checkUserData(context: CheckContext): Promise<void> {
  const { environ, t } = context;
  if (!hasUserData(environ)) {
    t.skip(`${environ.provider} has no user-data ability (instanceUserData): nothing to check`);
    return;
  }
  assert.equal(await userDataOf(environ, madeUpInstanceId), undefined, `instanceUserData of the unknown id ${madeUpInstanceId} must be undefined: not an error, not some other instance's user-data`);
  const aborted = await environ.instanceUserData({ id: madeUpInstanceId, signal: AbortSignal.abort(new Error('aborted by the conformance kit')) }).then(
    () => undefined,
    (error: unknown) => error ?? new Error('rejected with nothing'),
  );
  assert.ok(aborted !== undefined, `instanceUserData with an already-aborted signal resolved: it must reject with ${ErrorCode.Cancelled}`);
  assert.ok(findInChain(aborted, ErrorCode.Cancelled) !== undefined, `instanceUserData with an already-aborted signal failed with ${describeError(aborted)}, not ${ErrorCode.Cancelled}`);

  await withTestMachine(context, { machineId: '1' }, async ({ id, secrets }) => {
    const read = await userDataOf(environ, id);
    assert.ok(read !== undefined, `instanceUserData of the instance ${id} just started is undefined: return the user-data startInstance was given`);
    assert.ok(read instanceof Uint8Array, `instanceUserData of ${id} returned ${typeof read}, not a Uint8Array`);
    assert.ok(
      Buffer.from(read).equals(Buffer.from(secrets.userData)),
      `instanceUserData of ${id} returned ${read.byteLength} bytes that differ from the ${secrets.userData.byteLength} startInstance got: return them byte for byte (gzip and all; undo only an encoding the cloud added)`,
    );
    await withOtherEnvironment(context, async ({ environ: other }) => {
      assert.ok(hasUserData(other), `a second environment opened by \`open\` (${other.provider}) lacks instanceUserData`);
      assert.equal(
        await userDataOf(other, id),
        undefined,
        `another environment (${other.environment.uuid}) was given the user-data of instance ${id}: instanceUserData must answer only for instances carrying its own environment's tag`,
      );
    });
  });
}

/** The user-data, or a failure that says which rule a throwing provider broke. */
async function userDataOf(environ: UserDataEnviron, id: string): Promise<Uint8Array | undefined> {
  try {
    return await environ.instanceUserData({ id });
  } catch (error) {
    return assert.fail(`instanceUserData of ${id} threw ${describeError(error)}: an instance that is unknown or another environment's is undefined, not an error`);
  }
}

function describeError(error: unknown): string {
  return `${errorCodeOf(error) ?? 'no code'}: ${messageOf(error)}`;
}
