import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { chmod } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { generateSshKeyPair } from '../../src/index.js';
import type { CloudUserSystem } from '../../src/testing/index.js';
import { startNamespacedSshd } from '../providers/manual/namespaced-sshd.js';
import { cliHome } from '../src/cli/cli-harness.js';
import { fileSnapshot, firstMachine, planOf, refusedAlike } from './plan-fixtures.js';

/** Every file where an enrolment writes (the user's keys, envboot's state, logs), with size and time. */
async function hostFiles(system: CloudUserSystem): Promise<string> {
  const listed = await system.run({ script: "find /home /root /var/lib /var/log /etc -xdev -printf '%p %s %T@\\n' 2>/dev/null | sort" });
  return listed.stdout;
}

describe('envboot bootstrap and add-machine --dry-run on the manual provider (OpenSSH sshd, a cloud image\'s default user)', () => {
  it('plans an enrolment as the non-root default user from one read-only login, writing nothing on the host or here', async (t) => {
    const operator = generateSshKeyPair({ comment: 'operator' });
    const host = await startNamespacedSshd(t, { authorizedKeys: [operator.publicKey], defaultUser: 'debian' });
    if (host?.system === undefined) return;
    const cli = await cliHome('envboot-cli-plan-manual-');
    const identity = await cli.write('operator-key', operator.privateKey);
    await chmod(identity, 0o600);
    const flags = ['--provider', 'manual', '--identity', identity, '--host-key', host.hostPublicKey];
    const target = `debian@${host.host}:${String(host.port)}`;

    const before = await hostFiles(host.system);
    assert.match(before, /^\/home\/debian\/\.ssh\/authorized_keys \d+/m, "the listing sees the user's keys");
    const plan = planOf(await cli.run(['bootstrap', 'edge', ...flags, '--host', target, '--dry-run', '--json']));
    assert.equal(await hostFiles(host.system), before, 'no file on the host was written');
    assert.deepEqual(await fileSnapshot(path.join(cli.home, 'data')), [], 'nothing under the data directory');
    const { machine: controller, provider } = firstMachine(plan);
    assert.equal(controller.placement, target);
    assert.deepEqual(controller.zones, []);
    assert.deepEqual(provider.resources.map((r) => `${r.action} ${r.kind} ${r.name}`), [`create host ${target}`]);
    assert.match(provider.network?.description ?? '', /host key pinned from the config/);
    assert.ok(provider.notes.some((note) => /^the host reports \w+, \d+ cores, .* memory/.test(note)), provider.notes.join('; '));
    assert.ok(plan.calls.some((call) => call.action === 'ssh:exec' && call.writes && /through sudo -n/.test(call.purpose)));

    await refusedAlike(cli, ['bootstrap', 'edge', ...flags, '--host', `root@${host.host}:${String(host.port)}`]);
    await refusedAlike(cli, ['bootstrap', 'edge', ...flags, '--host', target, '--constraints', 'cores=4096']);
    await refusedAlike(cli, ['bootstrap', 'edge', ...flags, '--host', target, '--zone', 'somewhere']);
    const other = randomUUID();
    const marked = await host.system.run({ script: `mkdir -p /var/lib/envboot && echo ${other} > /var/lib/envboot/environment` });
    assert.equal(marked.status, 0, marked.stderr);
    const owned = await refusedAlike(cli, ['bootstrap', 'edge', ...flags, '--host', target]);
    assert.match(owned, new RegExp(`already belongs to environment ${other}`));
    assert.deepEqual(cli.environmentDirs(), []);
  });
});
