import type { CloudConfig, Command, WriteFile } from './model.js';

/**
 * Builds a cloud-config step by step, for code that assembles one from parts.
 *
 * @example
 * const config = new CloudConfigBuilder()
 *   .addPackage('nginx')
 *   .addFile({ path: '/etc/app.conf', content: 'port = 8080\n', permissions: '0640' })
 *   .addCommand(['systemctl', 'restart', 'nginx'])
 *   .build();
 */
export class CloudConfigBuilder {
  #config: CloudConfig;

  constructor(base: CloudConfig = {}) {
    this.#config = { ...base };
  }

  addFile(file: WriteFile): this {
    return this.#append('write_files', file);
  }

  /** A command for `runcmd`: a shell string, or an argv list run without a shell. */
  addCommand(command: Command): this {
    return this.#append('runcmd', command);
  }

  /** A command for `bootcmd`, run before everything else. */
  addBootCommand(command: Command): this {
    return this.#append('bootcmd', command);
  }

  /** A package, optionally pinned to a version; also asks for a package index update. */
  addPackage(name: string, version?: string): this {
    this.#config = { ...this.#config, package_update: true };
    return this.#append('packages', version === undefined ? name : [name, version]);
  }

  addAuthorizedKey(publicKey: string): this {
    return this.#append('ssh_authorized_keys', publicKey);
  }

  setFinalMessage(message: string): this {
    this.#config = { ...this.#config, final_message: message };
    return this;
  }

  /** A copy of the config so far; the builder can go on being used. */
  build(): CloudConfig {
    return structuredClone(this.#config);
  }

  #append<K extends 'write_files' | 'runcmd' | 'bootcmd' | 'packages' | 'ssh_authorized_keys'>(
    key: K,
    item: NonNullable<CloudConfig[K]>[number],
  ): this {
    const current = (this.#config[key] ?? []) as readonly unknown[];
    this.#config = { ...this.#config, [key]: [...current, item] };
    return this;
  }
}
