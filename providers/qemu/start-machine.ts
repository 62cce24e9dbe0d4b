import { randomBytes } from 'node:crypto';
import { isCancelled, messageOf, type EnvironmentIdentity, type Instance, type Logger } from '../../src/index.js';
import type { AcceleratorChoice } from './accelerator.js';
import type { BaseDisk } from './boot-files.js';
import type { QemuBoot } from './config.js';
import type { HostTools } from './host-tools.js';
import { machineFiles, type QemuLayout } from './layout.js';
import { launchMachine } from './launch-machine.js';
import { forwardHost } from './loopback-port.js';
import { hardwareOf, type MachineSize } from './machine-size.js';
import { createMachineDir, writeRecord, type MachineRecord } from './machine-record.js';
import { createOverlay } from './overlay.js';
import { qemuArgs } from './qemu-args.js';
import { removeMachine } from './remove-machine.js';
import { hostnameFor, makeSeed } from './seed.js';
import { keepUserData } from './user-data.js';

/** Everything one machine start needs, decided and checked by the Environ beforehand. */
export interface StartMachineParams {
  readonly layout: QemuLayout;
  readonly environment: EnvironmentIdentity;
  readonly tools: HostTools;
  readonly accel: AcceleratorChoice;
  readonly boot: QemuBoot;
  readonly base: BaseDisk;
  readonly size: MachineSize;
  readonly machineId: string;
  readonly zone: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly userData: Uint8Array;
  readonly logger?: Logger | undefined;
  readonly signal?: AbortSignal | undefined;
}

/**
 * Makes one machine: its directory and record first (so that whatever happens next, a
 * later stop or teardown finds it), then its overlay and seed, then QEMU. On any failure,
 * cancellation included, whatever was made is removed before the error is passed on.
 */
export async function startMachine(params: StartMachineParams): Promise<Instance> {
  const { layout, signal } = params;
  const id = `qemu-${randomBytes(6).toString('hex')}`;
  const files = machineFiles(layout, id);
  const hardware = hardwareOf(params.size);
  const record: MachineRecord = {
    id,
    environmentUuid: params.environment.uuid,
    machineId: params.machineId,
    tags: params.tags,
    zone: params.zone,
    hardware,
    accel: params.accel.accel,
    ssh: { host: forwardHost, port: 0 },
    createdAt: new Date().toISOString(),
  };
  await createMachineDir(layout, record);
  try {
    await createOverlay({ qemuImg: params.tools.qemuImg, base: params.base, overlay: files.overlay, sizeMiB: params.size.diskMiB, signal });
    await keepUserData({ files, userData: params.userData });
    await makeSeed({
      files,
      maker: params.tools.seedMaker,
      userData: params.userData,
      instanceId: id,
      hostname: hostnameFor(params.environment.name, params.machineId),
      signal,
    });
    const launched = await launchMachine({
      qemu: params.tools.qemu,
      args: (ssh) => qemuArgs({ instanceId: id, accel: params.accel.accel, boot: params.boot, files, memoryMiB: params.size.memoryMiB, cpus: params.size.cpus, ssh }),
      files,
      signal,
      beforeLaunch: (ssh) => writeRecord(layout, { ...record, ssh }),
    });
    const running: MachineRecord = { ...record, ssh: launched.ssh, process: launched.process };
    await writeRecord(layout, running);
    params.logger?.debug(`qemu machine ${id} (machine ${params.machineId}) runs as pid ${launched.process.pid} under ${params.accel.accel}, ssh on ${launched.ssh.host}:${launched.ssh.port}`);
    return {
      id,
      status: 'running',
      addresses: [{ value: launched.ssh.host, port: launched.ssh.port, scope: 'public' }],
      zone: params.zone,
      hardware,
      tags: params.tags,
    };
  } catch (error) {
    await removeMachine({ layout, id, environmentUuid: params.environment.uuid }).catch((cleanup: unknown) => {
      params.logger?.warn(`removing the failed qemu machine ${id}: ${messageOf(cleanup)}`);
    });
    if (!isCancelled(error)) params.logger?.debug(`qemu machine ${id} failed to start: ${messageOf(error)}`);
    throw error;
  }
}
