import assert from 'node:assert/strict';
import { formatAddress, routeAddresses, sshRouteOf, type Address } from '../../provider/index.js';
import type { CheckContext } from './params.js';
import { hostKeysOf, reachTestMachine, sshUserOf } from './reach-machine.js';
import { answersSsh, silentBy, type SshKnock } from './ssh-answers.js';
import { goneFromCensus, withTestMachine } from './test-machine.js';

/** The longest a stopped machine's addresses may still answer SSH, whatever `goneTimeoutMs` allows the listing. */
export const silenceBoundMs = 10_000;

/**
 * Boots a machine, finds which of its addresses answer SSH (its own host key, through the
 * environment's route), stops it with `waitUntilGone`, and then requires every one of
 * them to refuse or go unreachable within `goneTimeoutMs` (10 s at most); with a census,
 * the machine must also stop being live. A listing that forgets a machine is not a stop.
 */
export async function checkStoppedMeansGone(context: CheckContext): Promise<void> {
  const { environ, params } = context;
  await withTestMachine(context, { machineId: '1' }, async (machine) => {
    const { id } = machine;
    const waited = await reachTestMachine(context, machine);
    waited.connection.close();
    const knock: SshKnock = {
      route: await sshRouteOf(environ),
      user: sshUserOf(machine, environ),
      hostKeys: hostKeysOf(machine),
      clientKey: context.clientKey,
      connectTimeoutMs: 2_000,
    };
    const [view] = await environ.instances({ ids: [id] });
    const candidates = distinct([waited.address, ...routeAddresses(knock.route, view?.addresses ?? [])]);
    const answering = (await Promise.all(candidates.map(async (address) => ((await answersSsh(knock, address)) ? [address] : [])))).flat();
    assert.ok(
      answering.length > 0,
      `instance ${id} answered waitSSH on ${formatAddress(waited.address)}, yet none of its addresses (${candidates.map(formatAddress).join(', ')}) answers a second connection: a running machine keeps answering SSH`,
    );

    await environ.stopInstances({ ids: [id], waitUntilGone: true });
    const boundMs = Math.min(params.goneTimeoutMs ?? silenceBoundMs, silenceBoundMs);
    const deadline = Date.now() + boundMs;
    const [silences, gone] = await Promise.all([
      Promise.all(answering.map((address) => silentBy(knock, address, deadline))),
      // A census may be eventually consistent (EC2 lists a machine shutting down for a while): it gets the listing's bound.
      params.census === undefined ? true : goneFromCensus(params.census, id, params.goneTimeoutMs ?? 60_000),
    ]);
    const problems = answering
      .filter((_, index) => silences[index] !== true)
      .map(
        (address) =>
          `stopInstances({ ids: [${id}], waitUntilGone: true }) returned but ${formatAddress(address)} still answers SSH with the machine's host key ${boundMs / 1000} s later: ` +
          'stop must end the machine, not only forget it (its SSH server must refuse or be unreachable)',
      );
    if (!gone) {
      problems.push(
        `stopInstances({ ids: [${id}], waitUntilGone: true }) returned but the census still counts ${id} as live ${boundMs / 1000} s later: ` +
          "stop must end the machine, not only drop it from the environment's listing",
      );
    }
    assert.ok(problems.length === 0, problems.join('; '));
  });
}

function distinct(addresses: readonly Address[]): Address[] {
  const seen = new Set<string>();
  return addresses.filter((address) => {
    const key = formatAddress(address);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
