import pAny from 'p-any';
import { setTimeout as delay } from 'node:timers/promises';
import {
  asError,
  CancelledError,
  ConfigError,
  ErrorCode,
  findInChain,
  InstanceFailedError,
  isSshConnectionLost,
  isSshUnreachable,
  messageOf,
  throwIfCancelled,
} from '../errors/index.js';
import type { Logger } from '../logging/logger-contract.js';
import { formatAddress, jumpTargetOf, routeAddresses, sshRouteOf, type Address, type Environ, type Instance, type SshRoute } from '../provider/index.js';
import { connectSsh, type SshConnection, type SshKeyPair } from '../ssh/index.js';
import { loadState, machineRecords, type MachineRecord } from '../state/index.js';
import { signalOf } from '../util/optional.js';

export interface ConnectMachineParams {
  readonly environ: Environ;
  readonly machineId: string;
  readonly clientKey: SshKeyPair;
  /** Per address, TCP connect plus handshake. Default 5 s. */
  readonly connectTimeoutMs?: number;
  readonly signal?: AbortSignal;
  /** Told, at debug level, which addresses were tried, why each failed, and which one answered. */
  readonly logger?: Logger | undefined;
}

export interface ConnectMachineResult {
  /** Open and verified against the machine's recorded host keys; the caller closes it. */
  readonly connection: SshConnection;
  readonly machine: MachineRecord;
  readonly instance: Instance;
  /** The address the connection went to. */
  readonly address: Address;
}

const scopePreference: Readonly<Record<Address['scope'], number>> = { public: 0, 'cloud-local': 1, 'machine-local': 2, 'link-local': 3 };
// Most telling first: a wrong host key or refused key says more than an unreachable address.
const failurePreference = [ErrorCode.SshHostKeyMismatch, ErrorCode.SshAuthRefused, ErrorCode.Cancelled];

/**
 * Opens an SSH connection to one machine of a bootstrapped environment, as any later
 * command does (exec, ssh, status checks): the machine's record in provider-state gives
 * its instance and the host keys it was given, the provider its current addresses; every
 * usable address is tried at once and the first verified connection wins. An address
 * that refuses, resets or drops the connection is tried again until `connectTimeoutMs`
 * (its SSH server may be restarting). The other
 * attempts are cancelled the moment it does, so a silent address is not waited out; any
 * that got through all the same are closed.
 *
 * Unknown or malformed machine ids are `CONFIG_INVALID`, the message listing the known
 * ones; a machine whose instance is gone is `INSTANCE_FAILED`; otherwise the most telling
 * connection error is thrown: host key mismatch, then auth refused, then cancelled (the
 * caller aborted `signal`), then the error of the most preferred address.
 *
 * @example
 * const { connection } = await connectMachine({ environ, machineId: '0', clientKey, signal });
 * try { await connection.exec({ command: 'uptime' }); } finally { connection.close(); }
 */
export async function connectMachine(params: ConnectMachineParams): Promise<ConnectMachineResult> {
  const { environ } = params;
  const { state } = await loadState({ storage: environ.storage(), ...signalOf(params) });
  const machine = findMachine(params.machineId, machineRecords(state), environ.environment.name);
  const [instance] = await environ.instances({ ids: [machine.instanceId], ...signalOf(params) });
  if (instance === undefined || instance.status === 'terminated' || instance.status === 'failed') {
    throw new InstanceFailedError(
      `machine ${machine.id}'s instance ${machine.instanceId} ${instance === undefined ? 'no longer exists' : `is ${instance.status}`}; ` +
        `"envboot remove-machine ${environ.environment.name} ${machine.id}" forgets it`,
      { instanceId: machine.instanceId },
    );
  }
  const route = await sshRouteOf(environ, signalOf(params));
  const addresses = route.scopes === undefined
    ? routeAddresses(route, instance.addresses).sort((a, b) => scopePreference[a.scope] - scopePreference[b.scope])
    : routeAddresses(route, instance.addresses);
  if (addresses.length === 0) {
    throw new InstanceFailedError(`machine ${machine.id} (instance ${instance.id}, ${instance.status}) has no address yet; wait for it to boot and retry`, {
      instanceId: instance.id,
    });
  }
  const user = machine.user ?? environ.sshUser;
  params.logger?.debug(`connecting to machine ${machine.id} (instance ${instance.id}, ${instance.status}) as ${user}`, {
    machine: machine.id,
    addresses: addresses.map(formatAddress),
    ...(route.jumpHost === undefined ? {} : { jumpHost: route.jumpHost.host }),
  });
  const connection = await raceAddresses({ ...params, machine, addresses, route });
  params.logger?.debug(`reached machine ${machine.id} at ${formatAddress(connection.address)} (${connection.address.scope}) as ${user}`);
  return { connection: connection.connection, machine, instance, address: connection.address };
}

function findMachine(id: string, records: readonly MachineRecord[], environment: string): MachineRecord {
  const known = `${records.map((r) => r.id).join(', ') || 'none'} ("envboot status ${environment}" lists them)`;
  if (!/^(0|[1-9][0-9]*)$/.test(id)) {
    throw new ConfigError(`"${id}" is not a machine id (a whole number such as 0, the controller); environment "${environment}" has machines ${known}`);
  }
  const found = records.find((r) => r.id === id);
  if (found === undefined) throw new ConfigError(`environment "${environment}" has no machine ${id}; its machines are: ${known}`);
  return found;
}

interface Attempt {
  readonly address: Address;
  /** Cancels this attempt alone; the caller's signal cancels them all. */
  readonly controller: AbortController;
  readonly connecting: Promise<{ connection: SshConnection; address: Address }>;
}

async function raceAddresses(
  params: ConnectMachineParams & { machine: MachineRecord; addresses: readonly Address[]; route: SshRoute },
): Promise<{ connection: SshConnection; address: Address }> {
  throwIfCancelled(params.signal, `connecting to machine ${params.machine.id}`);
  const jumpHost = jumpTargetOf(params.route, params.clientKey.privateKey);
  const attempts = params.addresses.map((address): Attempt => {
    const controller = new AbortController();
    const signal = params.signal === undefined ? controller.signal : AbortSignal.any([params.signal, controller.signal]);
    const target = {
      host: address.value,
      port: address.port ?? 22,
      user: params.machine.user ?? params.environ.sshUser,
      privateKey: params.clientKey.privateKey,
      hostKeys: params.machine.hostKeys,
      ...(jumpHost === undefined ? {} : { jumpHost }),
      signal,
    };
    const connecting = connectUntil(params.connectTimeoutMs ?? 5000, (connectTimeoutMs) => connectSsh({ ...target, connectTimeoutMs }), signal)
      .then((connection) => ({ connection, address }))
      .catch((error: unknown) => {
        if (!controller.signal.aborted) params.logger?.debug(`machine ${params.machine.id}: ${formatAddress(address)}: ${messageOf(error)}`);
        throw error;
      });
    return { address, controller, connecting };
  });
  try {
    const winner = await pAny(attempts.map((attempt) => attempt.connecting));
    // The others are cancelled at once (a silent address would hold the process for its whole timeout), or closed if they got through.
    const reason = new CancelledError(`${formatAddress(winner.address)} answered first`);
    for (const other of attempts.filter((attempt) => attempt.address !== winner.address)) {
      other.controller.abort(reason);
      void other.connecting.then(({ connection }) => { connection.close(); }, () => undefined);
    }
    return winner;
  } catch {
    // Every attempt failed: their errors, in address preference order.
    const errors = await Promise.all(attempts.map((attempt) => attempt.connecting.then(() => undefined, (error: unknown) => error)));
    throw mostTelling(errors, params.addresses);
  }
}

/**
 * Connects, trying again while the server refuses, resets or drops the connection (an SSH
 * server restarting: the local provider's agent being replaced, sshd restarted), until
 * `timeoutMs` from now. A server that does not answer uses the whole time in one try.
 */
async function connectUntil(timeoutMs: number, connect: (timeoutMs: number) => Promise<SshConnection>, signal: AbortSignal): Promise<SshConnection> {
  const deadline = Date.now() + timeoutMs;
  for (let pause = 50; ; pause = Math.min(pause * 2, 500)) {
    try {
      return await connect(Math.max(1, deadline - Date.now()));
    } catch (error) {
      const passing = isSshUnreachable(error) || isSshConnectionLost(error);
      if (!passing || signal.aborted || Date.now() + pause >= deadline) throw error;
    }
    await delay(pause, undefined, { signal }).catch(() => undefined);
  }
}

/** The error to report when every address failed; `errors` are in address preference order. */
function mostTelling(errors: readonly unknown[], addresses: readonly Address[]): Error {
  const telling = failurePreference.map((code) => errors.find((e) => findInChain(e, code) !== undefined)).find((e) => e !== undefined);
  const chosen = asError(telling ?? errors[0]);
  if (addresses.length > 1) chosen.message = `${chosen.message} (tried ${addresses.map(formatAddress).join(', ')})`;
  return chosen;
}
