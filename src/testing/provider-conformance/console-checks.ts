import assert from 'node:assert/strict';
import { ErrorCode, errorCodeOf, findInChain, messageOf } from '../../errors/index.js';
import { hasConsoleOutput, type ConsoleEnviron, type ConsoleOutput } from '../../provider/index.js';
import { madeUpInstanceId } from './contract-checks.js';
import { withOtherEnvironment } from './other-environment.js';
import type { CheckContext } from './params.js';
import { withTestMachine } from './test-machine.js';

/** Few enough that any console that printed a line has more. */
const askedLines = 3;

/**
 * For an Environ with the console ability: an unknown id is undefined, never an error; a
 * started instance's console is undefined (nothing yet) or its last `lines` lines as a
 * string, and another environment is shown none of it; an aborted signal is `CANCELLED`.
 */
export async function checkConsoleOutput(context: CheckContext): Promise<void> {
  const { environ, t } = context;
  if (!hasConsoleOutput(environ)) {
    t.skip(`${environ.provider} has no console ability (consoleOutput): nothing to check`);
    return;
  }
  const unknown = await consoleOf(environ, madeUpInstanceId);
  assert.equal(unknown, undefined, `consoleOutput of the unknown id ${madeUpInstanceId} must be undefined: not an error, not some other instance's console`);
  const aborted = await environ.consoleOutput({ id: madeUpInstanceId, signal: AbortSignal.abort(new Error('aborted by the conformance kit')) }).then(
    () => undefined,
    (error: unknown) => error ?? new Error('rejected with nothing'),
  );
  assert.ok(aborted !== undefined, `consoleOutput with an already-aborted signal resolved: it must reject with ${ErrorCode.Cancelled}`);
  assert.ok(findInChain(aborted, ErrorCode.Cancelled) !== undefined, `consoleOutput with an already-aborted signal failed with ${describeError(aborted)}, not ${ErrorCode.Cancelled}`);

  await withTestMachine(context, { machineId: '1' }, async ({ id }) => {
    const output = await consoleOf(environ, id, askedLines);
    assertConsoleShape(output, id);
    await withOtherEnvironment(context, async ({ environ: other }) => {
      assert.ok(hasConsoleOutput(other), `a second environment opened by \`open\` (${other.provider}) lacks consoleOutput`);
      assert.equal(
        await consoleOf(other, id),
        undefined,
        `another environment (${other.environment.uuid}) was shown the console of instance ${id}: consoleOutput must answer only for instances carrying its own environment's tag, undefined for the rest`,
      );
    });
  });
}

/** The console, or a failure that says which rule a throwing provider broke. */
async function consoleOf(environ: ConsoleEnviron, id: string, lines?: number): Promise<ConsoleOutput | undefined> {
  try {
    return await environ.consoleOutput({ id, ...(lines === undefined ? {} : { lines }) });
  } catch (error) {
    return assert.fail(
      `consoleOutput of ${id} threw ${describeError(error)}: an instance that is unknown, another environment's or without output yet is undefined, not an error`,
    );
  }
}

function assertConsoleShape(output: ConsoleOutput | undefined, id: string): void {
  if (output === undefined) return;
  assert.equal(typeof output.text, 'string', `the console of ${id} has a text of type ${typeof output.text}: return { text: string } (possibly empty), or undefined while there is none`);
  const count = output.text.replace(/\n$/, '').split('\n').length;
  assert.ok(count <= askedLines, `the console of ${id} has ${count} lines where ${askedLines} were asked for: return the last \`lines\` lines only`);
  if (output.location !== undefined) {
    assert.ok(typeof output.location === 'string' && output.location.trim() !== '', `the console of ${id} has an empty location: name a file or a command that shows the whole console, or leave it out`);
  }
}

function describeError(error: unknown): string {
  return `${errorCodeOf(error) ?? 'no code'}: ${messageOf(error)}`;
}
