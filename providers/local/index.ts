/**
 * `envboot/providers/local`: the embedded default provider. Machines are sandboxes on
 * this host (unprivileged user, mount, PID and UTS namespaces), each with its own SSH server
 * on two loopback addresses and its own writable view of /etc, /var, /usr/local, /opt,
 * /srv, /home, /root and /tmp; they are served by one detached agent process per
 * environment and outlive the CLI. No cloud, no root.
 *
 * @example
 * const registry = new ProviderRegistry();
 * registry.register(localProvider);
 */
export { localProvider } from './local-provider.js';
export { localDescriptor } from './descriptor.js';
export { LocalEnviron, type LocalEnvironParams } from './local-environ.js';
export { defaultLocalConfig, parseDuration, validateLocalConfig, type LocalConfig } from './config.js';
export { checkLocalCloudConfig, writableRoots } from './cloud-config-limits.js';
export { agentEntryPoint } from './agent-launcher.js';
