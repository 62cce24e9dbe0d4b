import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestContext } from 'node:test';
import { defaultManualConfig, manualProvider } from '../../../providers/manual/index.js';
import { generateSshKeyPair, type Environ, type EnvironmentIdentity } from '../../../src/index.js';
import type { MachineCensus } from '../../../src/testing/index.js';
import { describeProviderConformance } from '../../../src/testing/provider-conformance.js';
import { requireRoot, requireTool } from '../../helpers/require-tool.js';
import { startNamespacedSshd, type NamespacedSshd } from './namespaced-sshd.js';

/** The key the operator enrols hosts with: every host of the run trusts it for the default user. */
const operator = generateSshKeyPair({ comment: 'envboot-manual-conformance-operator' });
/** A cloud image's user: the hosts refuse root, so every enrolment goes through sudo. */
const defaultUser = 'debian';
/** Where the manual provider marks a host as an environment's (providers/manual/probe-host.ts). */
const markerFile = '/var/lib/envboot/environment';

/**
 * The hosts one check enrols, shared by the environments it opens (a second one for the
 * ownership and console checks). Their keys are pinned by the config, as `--host-key`
 * would: the environments read `hostKeys` when they connect, after `placement` added them.
 */
class CheckHosts {
  readonly hosts: NamespacedSshd[] = [];
  readonly hostKeys: Record<string, string[]> = {};
  /** Environments of the check not yet cleaned up: the last one's cleanup stops the hosts. */
  openEnvironments = 0;

  async stop(): Promise<void> {
    const results = await Promise.allSettled(this.hosts.map((host) => host.stop()));
    const failures = results.flatMap((result) => (result.status === 'rejected' ? [result.reason as unknown] : []));
    if (failures.length > 0) throw new AggregateError(failures, `stopping ${failures.length} of the check's sshd hosts failed`);
  }
}

const hostsOfCheck = new Map<TestContext, CheckHosts>();

/** Skips (outside CI) where this host cannot run namespaced sshds; in CI, fails. */
function canRunHosts(t: TestContext): boolean {
  return (
    requireTool(t, 'sshd', 'Debian package openssh-server') !== undefined &&
    requireTool(t, 'unshare', 'each host runs in a private mount namespace') !== undefined &&
    requireRoot(t, "sshd's privilege separation and the hosts' mount namespaces")
  );
}

/** A fresh environment with its own data directory (storage and enrolments live under it). */
async function openManual(t: TestContext): Promise<{ environ: Environ; reopen: () => Promise<Environ>; cleanup: () => Promise<void> } | undefined> {
  if (!canRunHosts(t)) return undefined;
  const hosts = hostsOfCheck.get(t) ?? new CheckHosts();
  hostsOfCheck.set(t, hosts);
  hosts.openEnvironments += 1;
  const dataDir = await mkdtemp(path.join(tmpdir(), 'envboot-manual-conformance-'));
  const identityFile = path.join(dataDir, 'operator-key');
  await writeFile(identityFile, operator.privateKey, { mode: 0o600 });
  const environment: EnvironmentIdentity = { name: `manual-${randomUUID().slice(0, 6)}`, uuid: randomUUID() };
  const config = { ...defaultManualConfig, identityFile, hostKeys: hosts.hostKeys };
  // As a later CLI command would: the same identity, config and data directory.
  const open = (): Promise<Environ> => manualProvider.open({ environment, config, dataDir });
  return {
    environ: await open(),
    reopen: open,
    cleanup: async () => {
      await rm(dataDir, { recursive: true, force: true });
      hosts.openEnvironments -= 1;
      if (hosts.openEnvironments > 0) return;
      hostsOfCheck.delete(t);
      await hosts.stop();
    },
  };
}

/** A fresh host for each start: a real sshd in its own namespace, with a non-root default user with sudo. */
async function freshHost({ t }: { machineId: string; t: TestContext }): Promise<string> {
  const hosts = hostsOfCheck.get(t);
  assert.ok(hosts !== undefined, 'placement was asked for a host before the check opened an environment');
  const host = await startNamespacedSshd(t, { authorizedKeys: [operator.publicKey], defaultUser });
  assert.ok(host?.system !== undefined, 'the sshd host did not start although open found sshd, unshare and root');
  hosts.hosts.push(host);
  hosts.hostKeys[`[${host.host}]:${host.port}`] = [host.hostPublicKey];
  return `${defaultUser}@${host.host}:${host.port}`;
}

/** The manual provider's instance id of a host (providers/manual/host-access.ts). */
function instanceIdOf(host: NamespacedSshd): string {
  return `manual:${host.host}:${host.port}`;
}

/**
 * The manual provider's "running" machines, seen on the hosts themselves: those holding an
 * environment's marker, whatever the provider's storage says. Stopping one releases it as
 * the provider's stop does (envboot's state directory goes; the host keeps running).
 */
const enrolledHosts: MachineCensus = {
  live: async () => {
    const all = [...hostsOfCheck.values()].flatMap((check) => check.hosts);
    const marked = await Promise.all(all.map(async (host) => (await runAsRoot(host, `test -e ${markerFile}`)) === 0));
    return all.filter((_, index) => marked[index]).map(instanceIdOf);
  },
  stop: async (ids) => {
    const all = [...hostsOfCheck.values()].flatMap((check) => check.hosts);
    await Promise.all(all.filter((host) => ids.includes(instanceIdOf(host))).map((host) => runAsRoot(host, `rm -rf -- ${path.dirname(markerFile)}`)));
  },
};

async function runAsRoot(host: NamespacedSshd, script: string): Promise<number | null> {
  assert.ok(host.system !== undefined, 'a cloud image host has a system to run commands in');
  return (await host.system.run({ script })).status;
}

const releasedNotStopped =
  'the manual provider enrols existing hosts and stop releases a host (marker, nonce and the environment key removed) ' +
  "without shutting it down: the host's sshd keeps answering SSH by design; the census (hosts holding an environment's marker) " +
  'shows a released host leaves, in the reopen and ownership checks';

describeProviderConformance({
  name: 'manual',
  open: openManual,
  placement: freshHost,
  census: enrolledHosts,
  provider: manualProvider,
  invalidConfigs: [{ config: { 'accept-new-host-key': 'yes', 'teardown-commands': 'reboot' }, paths: ['accept-new-host-key', 'teardown-commands'] }],
  waitSsh: { timeoutMs: 30_000, tunables: { refreshMinMs: 5, refreshMaxMs: 20 } },
  goneTimeoutMs: 10_000,
  notApplicable: {
    'stops a machine for real: once stopInstances returns, none of its addresses answers SSH and no census counts it': releasedNotStopped,
  },
});
