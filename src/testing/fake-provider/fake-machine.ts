import { parseUserData, type CloudConfig } from '../../../cloudinit/index.js';
import { messageOf } from '../../errors/index.js';
import type { Address, Hardware, Instance, InstanceStatus } from '../../provider/index.js';
import type { SshKeyPair } from '../../ssh/index.js';
import { closedPort } from '../bad-addresses.js';
import { SshTestHost } from '../ssh-test-host.js';
import { delay } from './abortable.js';
import { applyUserData, BootFailure } from './apply-user-data.js';

export interface FakeMachineParams {
  readonly id: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly zone: string | undefined;
  readonly hardware: Hardware | undefined;
}

/** How one machine boots; the environ's faults, read when it was started. */
export interface BootParams {
  readonly userData: Uint8Array;
  /** The user `'default'` means in the user-data. */
  readonly defaultUser: string;
  /** Log in as `defaultUser` only, with sudo, root refused: see `SshTestHost`'s `defaultUser`. */
  readonly cloudImage: boolean;
  readonly bootDelayMs: number;
  readonly failBoot: boolean;
  readonly deadCloudLocalAddress: boolean;
  /** The user-data's keys go to the login user's authorized_keys, read at each login (see `SshTestHost`'s `authorizedKeysFile`). */
  readonly authorizedKeysFile?: boolean | undefined;
}

/**
 * One machine of the fake cloud: a real `SshTestHost` that boots from its user-data.
 * `pending` while it boots (addresses appear as soon as its SSH server listens),
 * `running` once the user-data has been applied, `failed` when that went wrong, and
 * `terminated` once stopped.
 */
export class FakeMachine {
  readonly id: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly zone: string | undefined;
  readonly hardware: Hardware | undefined;
  #status: InstanceStatus = 'pending';
  #statusMessage: string | undefined;
  #addresses: readonly Address[] = [];
  #host: SshTestHost | undefined;
  #userData: Uint8Array | undefined;
  readonly #halt = new AbortController();
  #booted: Promise<void> = Promise.resolve();
  #stopped: Promise<void> | undefined;

  constructor(params: FakeMachineParams) {
    this.id = params.id;
    this.tags = { ...params.tags };
    this.zone = params.zone;
    this.hardware = params.hardware;
  }

  get status(): InstanceStatus {
    return this.#status;
  }

  /** The machine's SSH host while it exists: its `root` is the machine's `/`. */
  get host(): SshTestHost | undefined {
    return this.#host;
  }

  /** A copy of the user-data it was started with, as a cloud keeps it; undefined before `boot`. */
  get userData(): Uint8Array | undefined {
    return this.#userData === undefined ? undefined : new Uint8Array(this.#userData);
  }

  /** Starts booting in the background; `stop` ends the boot wherever it is. */
  boot(params: BootParams): void {
    this.#userData = new Uint8Array(params.userData);
    this.#booted = this.#boot(params).catch((error: unknown) => {
      this.#fail(error instanceof BootFailure ? error.message : `boot failed: ${messageOf(error)}`);
    });
  }

  /** A copy of what the cloud reports about the machine now. */
  view(): Instance {
    return {
      id: this.id,
      status: this.#status,
      addresses: [...this.#addresses],
      tags: { ...this.tags },
      ...(this.zone === undefined ? {} : { zone: this.zone }),
      ...(this.hardware === undefined ? {} : { hardware: { ...this.hardware } }),
      ...(this.#statusMessage === undefined ? {} : { statusMessage: this.#statusMessage }),
    };
  }

  /**
   * Terminates the machine at once (status and addresses) and resolves when its boot and
   * SSH host have ended. Idempotent: every call shares one stop.
   */
  stop(): Promise<void> {
    this.#stopped ??= this.#stop();
    return this.#stopped;
  }

  async #stop(): Promise<void> {
    this.#status = 'terminated';
    this.#addresses = [];
    this.#halt.abort();
    await this.#booted;
    const host = this.#host;
    this.#host = undefined;
    await host?.stop();
  }

  async #boot(params: BootParams): Promise<void> {
    const signal = this.#halt.signal;
    // Read through a function: a stop may come during any await, which narrowing would hide.
    const halted = (): boolean => signal.aborted;
    if (params.failBoot) throw new BootFailure('the machine failed to boot (injected fault failBoot)');
    const config = readUserData(params.userData);
    const host = await SshTestHost.start({
      authorizedKeys: authorizedKeysOf(config),
      ...hostKeyOf(config),
      defaultUser: params.cloudImage ? params.defaultUser : undefined,
      authorizedKeysFile: params.authorizedKeysFile,
    });
    this.#host = host;
    if (halted()) return;
    const dead: Address[] = params.deadCloudLocalAddress
      ? [{ value: '127.0.0.1', port: await closedPort(), scope: 'cloud-local' }]
      : [];
    if (halted()) return;
    this.#addresses = [{ value: '127.0.0.1', port: host.port, scope: 'public' }, ...dead];
    await delay(params.bootDelayMs, signal, `booting ${this.id}`);
    await applyUserData({ config, root: host.root, defaultUser: params.defaultUser, signal });
    if (this.#status === 'pending') this.#status = 'running';
  }

  #fail(message: string): void {
    if (this.#status !== 'pending') return;
    this.#status = 'failed';
    this.#statusMessage = message;
  }
}

function readUserData(body: Uint8Array): CloudConfig {
  try {
    return parseUserData(body);
  } catch (error) {
    // parseUserData's messages name positions and fields, never the document's content.
    throw new BootFailure(`cloud-init could not read the user-data: ${messageOf(error)}`);
  }
}

/** Keys allowed to log in: the default user's and every listed user's, as sshd would have. */
function authorizedKeysOf(config: CloudConfig): string[] {
  const perUser = (config.users ?? []).flatMap((user) => (typeof user === 'string' ? [] : (user.ssh_authorized_keys ?? [])));
  return [...(config.ssh_authorized_keys ?? []), ...perUser];
}

function hostKeyOf(config: CloudConfig): { hostKey?: SshKeyPair } {
  const privateKey = config.ssh_keys?.ed25519_private;
  const publicKey = config.ssh_keys?.ed25519_public;
  return privateKey === undefined || publicKey === undefined ? {} : { hostKey: { privateKey, publicKey } };
}
