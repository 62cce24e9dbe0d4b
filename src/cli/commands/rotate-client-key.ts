import { ConfigError } from '../../errors/index.js';
import { changeMachineKeys, machineFailureText, proveLogins } from '../../machines/index.js';
import type { Environ } from '../../provider/index.js';
import { keyLineFields, parseClientPublicKey, type SshKeyPair } from '../../ssh/index.js';
import { authorizeClient, machineKeyLine, revokeClient } from '../../state/index.js';
import type { CommandResult } from '../command-result.js';
import type { CommandContext } from '../context.js';
import { requireListedClient } from '../environment/authorize-hint.js';
import { machineKeysReport } from '../environment/machine-keys-report.js';
import { openBootstrapped } from '../environment/open-environment.js';
import { requireClientKey } from '../environment/require-client-key.js';
import { resolveEnvironment, type ResolvedEnvironment } from '../environment/resolve-environment.js';
import {
  ensureNextClientKey,
  forgetNextClientKey,
  forgetPreviousClientKey,
  readClientKeyRotation,
  switchToNextClientKey,
} from '../records/client-key-rotation.js';
import { withEnvironmentLock } from '../records/environment-lock.js';

export interface RotateClientKeyInput {
  readonly environment: string;
  /** Undo a rotation that has not switched keys yet: the pending new key is removed everywhere. */
  readonly undo?: boolean | undefined;
}

interface Rotation {
  readonly context: CommandContext;
  readonly environment: ResolvedEnvironment;
  readonly environ: Environ;
  readonly current: SshKeyPair;
}

/**
 * `envboot rotate-client-key ENV`: replaces this client's key everywhere. A new key pair
 * is made here (its private half never leaves this client) and kept as `client-key.next`;
 * its public key is authorized in provider-state and on every machine; a login with it
 * is proven on every machine; only then does it become `client-key` (the old one kept as
 * `client-key.previous`), and the old key is removed from provider-state and from every
 * machine. A step that fails stops the rotation with exit 1 and says where it stands:
 * before the switch, the old key still works everywhere; after it, the new one does. Run
 * the command again to go on from there (with the same new key), or with `--undo` before
 * the switch to take the new key back out.
 */
export async function runRotateClientKey(context: CommandContext, input: RotateClientKeyInput): Promise<CommandResult> {
  const environment = await resolveEnvironment({ context, name: input.environment, purpose: 'existing' });
  return withEnvironmentLock({ dir: environment.dir, name: environment.name, operation: 'rotate-client-key' }, async () => {
    const { environ, state } = await openBootstrapped({ context, environment });
    const current = await requireClientKey(environment);
    requireListedClient({ environment: environment.name, state, clientKey: current, what: 'rotate its key' });
    const rotation: Rotation = { context, environment, environ, current };
    const pending = await readClientKeyRotation(environment.dir);
    // A run killed inside the switch (the old key kept as client-key.previous, the new one not yet in its place)
    // leaves client-key.previous the same key as client-key: no old key to remove, and removing it would lock this client out.
    const previous = pending.previous !== undefined && sameKey(pending.previous, current) ? undefined : pending.previous;
    if (pending.previous !== undefined && previous === undefined) await forgetPreviousClientKey(environment.dir);
    if (input.undo === true) return undo(rotation, pending.next, previous !== undefined);
    if (pending.next === undefined && previous !== undefined) return removeOldKey(rotation, previous, ['Finishing the rotation an earlier run left half-way: the new key is in use.']);
    const comment = keyLineFields(current.publicKey).comment || `envboot-${environment.name}`;
    const next = await ensureNextClientKey({ dir: environment.dir, comment });
    const said = pending.next === undefined ? [] : ['Going on with the new key an earlier run made (client-key.next).'];
    const authorized = await authorizeClient({ storage: environ.storage(), keyLine: next.publicKey, initial: { keyLine: current.publicKey }, signal: context.signal });
    const added = machineKeysReport(
      await changeMachineKeys({ environ, clientKey: current, change: { add: [machineKeyLine(authorized.client, environ.environment.uuid)] }, signal: context.signal }),
    );
    const json = { environment: environment.name, newKey: authorized.client.fingerprint };
    if (added.failed.length > 0) return stopped(rotation, [...said, 'Adding the new key:', ...added.lines], added.failed, added.firstError, json);
    const proofs = await proveLogins({ environ, clientKey: next, signal: context.signal });
    const unproven = proofs.flatMap((p) => (p.ok ? [] : [p]));
    const proofLines = proofs.map((p) => (p.ok ? `  machine ${p.machineId}: the new key logs in` : `  ${machineFailureText(p)}`));
    if (unproven.length > 0) {
      return stopped(rotation, [...said, 'Proving a login with the new key:', ...proofLines], unproven.map((p) => p.machineId), unproven[0]?.error, json);
    }
    await switchToNextClientKey({ dir: environment.dir, next, current });
    return removeOldKey({ ...rotation, current: next }, current, [...said, 'Added the new key and proved a login with it:', ...proofLines, 'client-key is the new key now (the old one is client-key.previous until it is gone everywhere).']);
  });
}

function sameKey(a: SshKeyPair, b: SshKeyPair): boolean {
  return parseClientPublicKey(a.publicKey, 'client-key.previous').key === parseClientPublicKey(b.publicKey, 'the client key').key;
}

/** After the switch: the old key off provider-state (its label passes to the new key) and off every machine. */
async function removeOldKey(rotation: Rotation, old: SshKeyPair, said: readonly string[]): Promise<CommandResult> {
  const { context, environment, environ, current } = rotation;
  const oldKey = parseClientPublicKey(old.publicKey, 'the previous client key');
  const newKey = parseClientPublicKey(current.publicKey, 'the client key');
  await revokeClient({ storage: environ.storage(), key: oldKey.key, keep: [newKey.key], labelTo: newKey.key, signal: context.signal });
  const removed = machineKeysReport(await changeMachineKeys({ environ, clientKey: current, change: { remove: [oldKey.key] }, signal: context.signal }));
  const json = { environment: environment.name, newKey: newKey.fingerprint, oldKey: oldKey.fingerprint, machines: removed.json };
  const lines = [...said, 'Removing the old key:', ...removed.lines];
  if (removed.failed.length > 0) {
    const error = new Error(
      `the new key ${newKey.fingerprint} is in use and the old one ${oldKey.fingerprint} is off provider-state's list, but machine ${removed.failed.join(', ')} could not be reached and still let${removed.failed.length === 1 ? 's' : ''} the old key in; ` +
        `run "envboot rotate-client-key ${environment.name}" again once ${removed.failed.length === 1 ? 'it is' : 'they are'} reachable to finish`,
      { cause: removed.firstError },
    );
    return { outcome: { json, text: lines.join('\n') }, exitCode: 1, error };
  }
  await forgetPreviousClientKey(environment.dir);
  return { outcome: { json, text: [...lines, `Rotated the client key of "${environment.name}": ${oldKey.fingerprint} → ${newKey.fingerprint}.`].join('\n') } };
}

/** Before the switch, something failed: the old key still works everywhere; say how to go on or undo. */
function stopped(rotation: Rotation, lines: readonly string[], failed: readonly string[], cause: unknown, json: object): CommandResult {
  const name = rotation.environment.name;
  const error = new Error(
    `the rotation stopped before switching keys: machine ${failed.join(', ')} could not take or prove the new key. Nothing was removed, and the current key still logs in everywhere. ` +
      `Run "envboot rotate-client-key ${name}" again to go on with the same new key (client-key.next), or "envboot rotate-client-key ${name} --undo" to take it back out`,
    { cause },
  );
  return { outcome: { json, text: lines.join('\n') }, exitCode: 1, error };
}

/** `--undo`: the pending new key out of every machine and provider-state, and forgotten. */
async function undo(rotation: Rotation, next: SshKeyPair | undefined, switched: boolean): Promise<CommandResult> {
  const { context, environment, environ, current } = rotation;
  if (next === undefined) {
    throw new ConfigError(
      switched
        ? `the rotation of "${environment.name}" has switched to the new key already and cannot be undone; run "envboot rotate-client-key ${environment.name}" to finish it`
        : `no rotation of "${environment.name}" is pending (no client-key.next): nothing to undo`,
    );
  }
  const nextKey = parseClientPublicKey(next.publicKey, 'the pending client key');
  const own = parseClientPublicKey(current.publicKey, 'the client key');
  await revokeClient({ storage: environ.storage(), key: nextKey.key, keep: [own.key], signal: context.signal });
  const removed = machineKeysReport(await changeMachineKeys({ environ, clientKey: current, change: { remove: [nextKey.key] }, signal: context.signal }));
  const json = { environment: environment.name, undone: nextKey.fingerprint, machines: removed.json };
  const lines = ['Removing the pending new key:', ...removed.lines];
  if (removed.failed.length > 0) {
    const error = new Error(`machine ${removed.failed.join(', ')} could not be reached and still let${removed.failed.length === 1 ? 's' : ''} the pending key in; run "envboot rotate-client-key ${environment.name} --undo" again to finish`, { cause: removed.firstError });
    return { outcome: { json, text: lines.join('\n') }, exitCode: 1, error };
  }
  await forgetNextClientKey(environment.dir);
  return { outcome: { json, text: [...lines, `Undid the pending rotation of "${environment.name}": the client key stays ${own.fingerprint}.`].join('\n') } };
}
