import { consoleOf, errorCodeOf, exitCodeFor, ExitCode } from '../../errors/index.js';
import { adoptMachines, type AdoptMachinesResult } from '../../machines/index.js';
import { printableExcerpt } from '../../state/printable-excerpt.js';
import type { CommandResult } from '../command-result.js';
import { eventSink, type CommandContext } from '../context.js';
import { openBootstrapped } from '../environment/open-environment.js';
import { readHostKeys } from '../environment/read-host-keys.js';
import { requireClientKey } from '../environment/require-client-key.js';
import { resolveEnvironment } from '../environment/resolve-environment.js';
import { describeAddresses, formatTable } from '../output/describe-machine.js';
import { fileProofKeeper } from '../records/machine-proofs.js';
import { refreshLocalRecords } from '../records/refresh-records.js';
import { describeHolder, thisHost } from '../../util/lock-holder.js';

export interface AdoptInput {
  readonly environment: string;
  readonly instanceIds: readonly string[];
  /** `--host-key` values: key lines or files of them. */
  readonly hostKeys?: readonly string[];
  readonly user?: string;
}

/**
 * `envboot adopt ENV INSTANCE…`: records instances that carry the environment's tag but
 * that provider-state does not list, once each is proven (see `adoptMachines`), then pins
 * their host keys and caches them in this client's records. Bad input (a malformed or
 * unreadable `--host-key`, ids that are recorded already or name no instance of the
 * environment) exits 2 before anything is proven or written; an instance that cannot be
 * proven exits 1 with the reason, the others adopted.
 */
export async function runAdopt(context: CommandContext, input: AdoptInput): Promise<CommandResult> {
  const hostKeys = await readHostKeys(input.hostKeys ?? []);
  const environment = await resolveEnvironment({ context, name: input.environment, purpose: 'existing' });
  const { environ } = await openBootstrapped({ context, environment });
  const clientKey = await requireClientKey(environment);
  const proofs = fileProofKeeper(environment.dir, { command: `envboot adopt ${environment.name}` });
  const result = await adoptMachines({
    environ,
    instanceIds: input.instanceIds,
    clientKey,
    hostKeys,
    user: input.user,
    // A machine a run on this client is still adding is that run's to record.
    leaveAlone: async (machineId) => {
      const holder = await proofs.provisioner(machineId);
      return holder === undefined ? undefined : `${describeHolder(holder, { here: thisHost(), now: Date.now() })} is still adding machine ${machineId}`;
    },
    onEvent: eventSink(context),
    signal: context.signal,
  });
  if (result.adopted.length > 0) await refreshLocalRecords({ environ, dir: environment.dir, signal: context.signal }).catch(() => undefined);
  // A proof a killed run kept for a machine that is now adopted is stale.
  for (const machine of result.adopted) await proofs.release(machine.machineId).catch(() => undefined);
  const outcome = adoptOutcome(environment.name, result);
  if (result.refused.length === 0) return { outcome };
  const codes = result.refused.map((r) => exitCodeFor(r.error));
  // An interrupt or credentials the cloud refused say more than "some were not adopted".
  const exitCode = codes.includes(ExitCode.Interrupted) ? ExitCode.Interrupted : codes.every((c) => c === ExitCode.Credentials) ? ExitCode.Credentials : ExitCode.Failed;
  const [first] = result.refused;
  const error =
    result.refused.length === 1 && first !== undefined
      ? first.error
      : new Error(`${result.refused.length} instance(s) were not adopted (${result.refused.map((r) => r.instanceId).join(', ')}); see above`, { cause: first?.error });
  return { outcome, exitCode, error };
}

function adoptOutcome(name: string, result: AdoptMachinesResult): { json: unknown; text: string } {
  const json = {
    environment: name,
    adopted: result.adopted.map((m) => ({
      id: m.machineId,
      instanceId: m.instance.id,
      zone: m.instance.zone ?? null,
      addresses: m.instance.addresses,
      hostKeys: m.hostKeys,
      user: m.user,
      provenBy: m.provenBy,
    })),
    refused: result.refused.map((r) => {
      const excerpt = consoleOf(r.error);
      return { instanceId: r.instanceId, machineId: r.machineId ?? null, code: errorCodeOf(r.error) ?? 'UNKNOWN', message: r.error.message, ...(excerpt === undefined ? {} : { console: excerpt }) };
    }),
    phases: result.phases,
  };
  const lines: string[] = [];
  if (result.adopted.length > 0) {
    lines.push(`Adopted ${result.adopted.length} instance(s) into "${name}":`);
    const proven = { 'user-data': 'host key and nonce from its user-data', 'host-key': 'the host key given' };
    const rows = result.adopted.map((m) => [m.machineId, printableExcerpt(m.instance.id, 80), printableExcerpt(m.instance.zone ?? '-', 40), describeAddresses(m.instance.addresses), proven[m.provenBy]]);
    lines.push(formatTable(['Machine', 'Instance', 'Zone', 'Addresses', 'Proven by'], rows));
  }
  for (const refusal of result.refused) lines.push(`Not adopted: ${printableExcerpt(refusal.instanceId, 80)}: ${refusal.error.message}`);
  if (result.refused.length > 0) lines.push(`What cannot be adopted stays unrecorded: "envboot remove-machine ${name} ID" removes it, "envboot destroy ${name}" removes everything.`);
  return { json, text: lines.join('\n') };
}
