import { mkdir } from 'node:fs/promises';
import type net from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseUserData, type CloudConfig } from '../../../cloudinit/index.js';
import type { Hardware, Instance } from '../../../src/index.js';
import { agentLogMarks, machineDir, type LocalLayout } from '../layout.js';
import { isAlive } from '../../../src/host/index.js';
import { removeTree } from '../remove-tree.js';
import { applyUserData, BootError, followFirstBoot, sshIdentityOf } from './first-boot.js';
import { closeServer, listenOnLoopbackPair } from './loopback-listeners.js';
import { readLoginKeys } from './login-keys.js';
import { MachineSsh } from './machine-ssh.js';
import { saveRecord, type MachineRecord } from './machine-record.js';
import { sandboxIds } from './sandbox-ids.js';
import { planMounts } from './sandbox-plan.js';
import { adoptHolder, execInMachine, killHolder, killLeftHolder, startHolder, type Holder } from './sandbox.js';

/** What every machine of one agent shares. */
export interface MachineContext {
  readonly layout: LocalLayout;
  readonly privileged: boolean;
  /** Loopback addresses the agent's machines other than `except` hold. */
  readonly takenAddresses: (except: string) => ReadonlySet<string>;
  readonly log: (message: string) => void;
  readonly hardware: Hardware;
}

/**
 * One machine in the agent: its sandbox (the `unshare` holder), its SSH server on two
 * loopback addresses, its first boot, and its record on disk. `boot` never throws: a
 * failure becomes status `failed` with the reason. `stop` kills the sandbox, waits for a
 * boot in progress to give up, then releases everything boot acquired, so nothing is left behind.
 */
export class Machine {
  readonly record: MachineRecord;
  readonly #context: MachineContext;
  readonly #abort = new AbortController();
  #booting: Promise<void> | undefined;
  #stopping: Promise<void> | undefined;
  #holder: Holder | undefined;
  #ssh: MachineSsh | undefined;
  #listeners: readonly net.Server[] = [];
  #failed = false;
  /** Record writes, one after another, so that `stop` can wait for the last before removing the directory. */
  #saving: Promise<void> = Promise.resolve();

  constructor(record: MachineRecord, context: MachineContext) {
    // A restored record may say running: not until the SSH server listens again.
    if (record.status === 'running') record.status = 'pending';
    this.record = record;
    this.#context = context;
  }

  get dir(): string {
    return machineDir(this.#context.layout, this.record.id);
  }

  instance(): Instance {
    const { record } = this;
    return {
      id: record.id,
      status: this.#abort.signal.aborted ? 'stopping' : record.status,
      addresses: record.status === 'failed' ? [] : record.addresses,
      zone: record.zone,
      hardware: this.#context.hardware,
      tags: record.tags,
      ...(record.statusMessage === undefined ? {} : { statusMessage: record.statusMessage }),
    };
  }

  /** Boots (or, after an agent restart, re-attaches to) the machine, once. */
  boot(): Promise<void> {
    if (this.record.status !== 'failed') this.#booting ??= this.#boot().catch((error: unknown) => this.#fail(error));
    return this.#booting ?? Promise.resolve();
  }

  /** Kills every process of the machine, closes its SSH server and removes its files; once, however often called. */
  stop(): Promise<void> {
    this.#stopping ??= this.#stop().catch((error: unknown) => {
      this.#stopping = undefined;
      throw error;
    });
    return this.#stopping;
  }

  /** Notices a sandbox that ended behind the agent's back (one adopted after an agent restart; own children report their exit). */
  checkAlive(): void {
    const holder = this.#holder;
    if (holder === undefined || holder.child !== undefined || this.#abort.signal.aborted || isAlive(holder.process)) return;
    void this.#onHolderExit(null, null);
  }

  async #stop(): Promise<void> {
    this.#abort.abort();
    // The sandbox dies first: a boot step waiting on a process of the machine (the first boot's
    // script, a daemon it left holding the output) then ends with it, so this wait cannot hang.
    // A kill that fails here is tried again, and reported, by #release.
    const holder = this.#holder;
    if (holder !== undefined) await killHolder(holder).catch(() => undefined);
    await this.#booting;
    await this.#release();
    await this.#saving.catch(() => undefined);
    await removeTree(this.dir);
  }

  async #boot(): Promise<void> {
    const { record } = this;
    const config = record.userData === undefined ? undefined : parseUserData(Buffer.from(record.userData, 'base64'));
    if (config !== undefined && record.hostPrivateKey === undefined) {
      Object.assign(record, sshIdentityOf(config));
      await this.#save();
    }
    if (record.hostPrivateKey === undefined) throw new BootError('the machine has no host key and no user-data to take one from');
    const ssh = new MachineSsh({
      hostKey: record.hostPrivateKey,
      authorizedKeys: record.authorizedKeys,
      loginKeys: () => this.#loginKeys(),
      run: (command, env) => this.#exec(command, env),
    });
    this.#ssh = ssh;
    const { holder, adopted } = await this.#sandbox();
    this.#throwIfStopping();
    const pair = await listenOnLoopbackPair({
      onConnection: (socket) => { ssh.accept(socket); },
      taken: this.#context.takenAddresses(record.id),
      ...(record.addresses.length === 2 ? { preferred: { addresses: record.addresses.map((a) => a.value), port: record.addresses[0]?.port ?? 0 } } : {}),
    });
    this.#listeners = pair.servers;
    this.#throwIfStopping();
    record.addresses = [
      { value: pair.addresses[0], scope: 'public', port: pair.port },
      { value: pair.addresses[1], scope: 'cloud-local', port: pair.port },
    ];
    await this.#save();
    this.#context.log(`machine ${record.id}: SSH listening on ${pair.addresses[0]}:${pair.port} (public) and ${pair.addresses[1]}:${pair.port} (cloud-local)`);
    if (config !== undefined && !record.firstBootDone) await this.#firstBoot(holder, config, adopted);
    this.#throwIfStopping();
    record.status = 'running';
    await this.#save();
    this.#context.log(`machine ${record.id}: running`);
  }

  /** Applies the user-data once; in a sandbox adopted from a previous agent, follows the first boot that one started. */
  async #firstBoot(holder: Holder, config: CloudConfig, adopted: boolean): Promise<void> {
    const consoleLog = path.join(this.dir, 'console.log');
    const mark = agentLogMarks(this.record.id).firstBoot;
    if (adopted) this.#context.log(`${mark} looking for the one its previous agent started (output in ${consoleLog})`);
    const followed = adopted ? await followFirstBoot({ holder, consoleLog, signal: this.#abort.signal }) : 'not-started';
    if (followed === 'not-started') {
      await sleep(this.record.bootDelayMs, undefined, { signal: this.#abort.signal });
      this.#context.log(`${mark} applying the user-data (output in ${consoleLog})`);
      await applyUserData({ holder, config, consoleLog, signal: this.#abort.signal });
    }
    this.record.firstBootDone = true;
    delete this.record.userData;
  }

  async #sandbox(): Promise<{ holder: Holder; adopted: boolean }> {
    const fsDir = path.join(this.dir, 'fs');
    const adopted = this.record.holder === undefined ? undefined : adoptHolder(this.record.holder, fsDir, this.#context.privileged);
    if (adopted !== undefined) {
      this.#holder = adopted;
      this.#context.log(`machine ${this.record.id}: adopted its running sandbox (pid ${adopted.process.pid})`);
      return { holder: adopted, adopted: true };
    }
    await mkdir(fsDir, { recursive: true, mode: 0o755 });
    const holder = await startHolder({
      setupScript: this.#context.layout.setupScript,
      fsDir,
      baseDir: this.#context.layout.base,
      hostname: this.record.id,
      ids: sandboxIds({ dataDir: this.#context.layout.dataDir, privileged: this.#context.privileged }),
      mounts: planMounts({ fsDir, hide: [this.#context.layout.dataDir, ...(this.record.hide ?? [])] }),
      signal: this.#abort.signal,
    });
    this.#holder = holder;
    for (const warning of holder.warnings) this.#context.log(`machine ${this.record.id}: ${warning}`);
    holder.child?.on('exit', (code, signal) => void this.#onHolderExit(code, signal));
    this.record.holder = holder.process;
    await this.#save();
    return { holder, adopted: false };
  }

  /**
   * Who may log in as root now: the keys in the machine's /root/.ssh/authorized_keys, as
   * sshd has it (so `envboot authorize` and `revoke` work here as on a cloud). Until the
   * first boot has written that file from the user-data (as cloud-init does), the
   * user-data's keys let the client in to watch the boot.
   */
  async #loginKeys(): Promise<readonly string[]> {
    const fromFile = (await readLoginKeys(path.join(this.dir, 'fs'))) ?? [];
    return this.record.firstBootDone ? fromFile : [...this.record.authorizedKeys, ...fromFile];
  }

  #exec(command: string, env: Readonly<Record<string, string>>): ReturnType<typeof execInMachine> {
    if (this.#holder === undefined) throw new BootError('the machine is not running');
    return execInMachine(this.#holder, command, { env });
  }

  async #fail(error: unknown): Promise<void> {
    if (this.#abort.signal.aborted || this.#failed) return;
    this.#failed = true;
    const message = error instanceof BootError ? error.message : `the machine could not start: ${(error as Error).message}`;
    this.#context.log(`machine ${this.record.id} failed: ${message}`);
    await this.#release().catch((cause: unknown) => { this.#context.log(`machine ${this.record.id}: ${String(cause)}`); });
    this.record.status = 'failed';
    this.record.statusMessage = message;
    delete this.record.userData;
    await this.#save().catch(() => undefined);
  }

  async #onHolderExit(code: number | null, signal: NodeJS.Signals | null): Promise<void> {
    if (this.#abort.signal.aborted || this.#failed) return;
    const how = code === null ? (signal === null ? 'gone' : `killed by ${signal}`) : `exit status ${code}`;
    await this.#fail(new BootError(`the machine's sandbox ended unexpectedly (${how}); stop it and start a new one`));
  }

  /** Closes the SSH server and kills the sandbox; the record stays. */
  async #release(): Promise<void> {
    this.#ssh?.close();
    this.#ssh = undefined;
    await Promise.all(this.#listeners.map(closeServer));
    this.#listeners = [];
    const holder = this.#holder;
    this.#holder = undefined;
    if (holder !== undefined) await killHolder(holder);
    // A sandbox a previous agent left and this one never adopted (failed before it could).
    else if (this.record.holder !== undefined) await killLeftHolder(this.record.holder, path.join(this.dir, 'fs'));
  }

  /** Between boot steps: a stop or a failure meanwhile ends the boot (and `stop`/`#fail` release what it got). */
  #throwIfStopping(): void {
    if (this.#abort.signal.aborted) throw new BootError('stopped while booting');
    if (this.#failed) throw new BootError(this.record.statusMessage ?? 'failed while booting');
  }

  #save(): Promise<void> {
    this.#saving = this.#saving
      .catch(() => undefined)
      .then(() => (this.#abort.signal.aborted ? undefined : saveRecord(this.#context.layout, this.record)));
    return this.#saving;
  }
}
