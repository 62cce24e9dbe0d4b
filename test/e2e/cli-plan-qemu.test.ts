import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import yaml from 'js-yaml';
import { processesMentioning } from '../helpers/processes.js';
import { requireTool } from '../helpers/require-tool.js';
import { tempDir } from '../helpers/temp-dir.js';
import { cliHome } from '../src/cli/cli-harness.js';
import { fileSnapshot, firstMachine, planOf, refusedAlike } from './plan-fixtures.js';

// The plan only: no VM is booted here, by this test or by the real runs it compares
// against (each of those is refused at its preflight, before anything starts).
describe('envboot bootstrap --dry-run on the qemu provider', () => {
  it('plans a VM from the host check alone: no QEMU process, no file, no boot', async (t) => {
    const qemuImg = requireTool(t, 'qemu-img', 'the image is inspected with it');
    if (qemuImg === undefined || requireTool(t, 'qemu-system-x86_64', 'the provider needs it on PATH') === undefined) return;
    const images = await tempDir('envboot-plan-qemu-');
    const image = path.join(images, 'base.qcow2');
    await promisify(execFile)(qemuImg, ['create', '-q', '-f', 'qcow2', image, '2G']);
    const cli = await cliHome('envboot-cli-plan-qemu-');
    await cli.write('environments.yaml', yaml.dump({ environments: { vm: { provider: 'qemu', options: { image, accel: 'tcg', memory: '2G', 'default-user': 'debian' } } } }));

    const plan = planOf(await cli.run(['bootstrap', 'vm', '--dry-run', '--json', '--constraints', 'cores=1 root-disk=4G']));
    assert.deepEqual(processesMentioning(cli.home), [], 'no QEMU (or other process) runs for the environment');
    assert.deepEqual(processesMentioning(image), [], 'nothing runs on the image');
    assert.deepEqual(await fileSnapshot(path.join(cli.home, 'data')), [], 'no machine folder, overlay, seed or record');
    assert.deepEqual((await fileSnapshot(images)).map((entry) => entry.split(' ')[0]), ['base.qcow2'], 'no overlay beside the image');
    const { machine: controller, provider } = firstMachine(plan);
    const planned = provider.image;
    assert.ok(planned !== undefined);
    assert.equal(planned.id, image);
    assert.match(planned.description ?? '', /^qcow2, 2048 MiB; boots from its own boot loader$/);
    assert.ok(provider.notes.some((note) => /each VM: 1 vCPU, 2048 MiB memory, a 4096 MiB disk \(amd64\); the SSH user is debian/.test(note)), provider.notes.join('; '));
    assert.ok(provider.notes.some((note) => /accelerator: TCG/.test(note)));
    assert.deepEqual(controller.zones, ['qemu-a', 'qemu-b']);
    assert.ok(plan.calls.some((call) => call.action === 'host:qemu-system-x86_64' && call.writes));

    await refusedAlike(cli, ['bootstrap', 'vm', '--constraints', 'arch=arm64']);
    await refusedAlike(cli, ['bootstrap', 'vm', '--constraints', 'cores=999']);
    await refusedAlike(cli, ['bootstrap', 'vm', '--zone', 'qemu-z']);
    await cli.write('packages.yaml', '#cloud-config\npackages: [nginx]\n');
    await refusedAlike(cli, ['bootstrap', 'vm', '--cloud-config', path.join(cli.home, 'packages.yaml')]);
    await cli.write('environments.yaml', yaml.dump({ environments: { vm: { provider: 'qemu', options: { image: path.join(images, 'missing.qcow2'), accel: 'tcg' } } } }));
    await refusedAlike(cli, ['bootstrap', 'vm']);
    assert.deepEqual(cli.environmentDirs(), []);
    assert.deepEqual(processesMentioning(cli.home), []);
  });
});
