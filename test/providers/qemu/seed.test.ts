import assert from 'node:assert/strict';
import { existsSync, statSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { layoutFor, machineFiles } from '../../../providers/qemu/layout.js';
import { hostnameFor, makeSeed, metaData, seedCommand } from '../../../providers/qemu/seed.js';
import { generateSshKeyPair, machineUserData } from '../../../src/index.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { requireHostTools } from './test-image.js';

describe('NoCloud seed', () => {
  it('writes meta-data with the instance id and host name, quoted', () => {
    assert.equal(metaData({ instanceId: 'qemu-0123456789ab', hostname: 'prod-0' }), 'instance-id: "qemu-0123456789ab"\nlocal-hostname: "prod-0"\n');
  });

  it('names machines <environment>-<machine id>, as one DNS label', () => {
    assert.deepEqual(
      [hostnameFor('prod', '0'), hostnameFor('Prod_Env', '12'), hostnameFor('a'.repeat(70), '3'), hostnameFor('-', '-')],
      ['prod-0', 'prod-env-12', 'a'.repeat(63), 'envboot-machine'],
    );
  });

  it('makes an ISO 9660 volume labelled cidata with genisoimage or xorriso', () => {
    const inputs = ['/s/user-data', '/s/meta-data'];
    assert.deepEqual(seedCommand({ kind: 'genisoimage', path: '/usr/bin/genisoimage' }, '/m/seed.iso', inputs), {
      command: '/usr/bin/genisoimage',
      args: ['-output', '/m/seed.iso', '-volid', 'cidata', '-joliet', '-rock', '-quiet', ...inputs],
    });
    assert.deepEqual(seedCommand({ kind: 'xorriso', path: '/usr/bin/xorriso' }, '/m/seed.iso', inputs).args.slice(0, 6), ['-as', 'mkisofs', '-output', '/m/seed.iso', '-volid', 'cidata']);
  });

  it("carries envboot's user-data byte for byte, gzip and all, in a 0600 seed, and leaves no staged copy", async (t) => {
    const tools = requireHostTools(t);
    if (tools === undefined) return;
    const layout = layoutFor(await tempDir('envboot-qemu-seed-'));
    const files = machineFiles(layout, 'qemu-0123456789ab');
    await mkdir(files.dir, { recursive: true, mode: 0o700 });
    const client = generateSshKeyPair({ comment: 'seed-test' });
    const { userData } = machineUserData({ clientPublicKey: client.publicKey, machineId: '0', capabilities: { maxUserDataBytes: 1_048_576, userDataGzip: true } });
    assert.equal(userData[0], 0x1f, 'the user-data is gzip-compressed');
    await makeSeed({ files, maker: tools.seedMaker, userData, instanceId: 'qemu-0123456789ab', hostname: 'prod-0' });

    assert.equal(statSync(files.seed).mode & 0o777, 0o600);
    assert.equal(existsSync(files.seedStaging), false);
    const iso = await readFile(files.seed);
    // The primary volume descriptor (sector 16): type 1, "CD001", the volume id at byte 40.
    assert.equal(iso.subarray(0x8001, 0x8006).toString('latin1'), 'CD001');
    assert.equal(iso.subarray(0x8028, 0x8048).toString('latin1').trim(), 'cidata');
    assert.ok(iso.includes(Buffer.from(userData)), 'the user-data bytes are in the ISO unchanged');
    assert.match(gunzipSync(userData).toString(), /^#cloud-config\n/);
    assert.ok(iso.includes(Buffer.from(metaData({ instanceId: 'qemu-0123456789ab', hostname: 'prod-0' }))));
  });

  it('removes the staged user-data when the seed maker fails', async () => {
    const layout = layoutFor(await tempDir('envboot-qemu-seed-fail-'));
    const files = machineFiles(layout, 'qemu-0123456789ab');
    await mkdir(files.dir, { recursive: true, mode: 0o700 });
    await assert.rejects(
      makeSeed({ files, maker: { kind: 'genisoimage', path: '/bin/false' }, userData: Buffer.from('#cloud-config\n'), instanceId: 'i', hostname: 'h' }),
      /making the NoCloud seed: \/bin\/false exited with status 1/,
    );
    assert.equal(existsSync(files.seedStaging), false);
    assert.deepEqual(existsSync(path.join(files.dir, 'seed', 'user-data')), false);
  });
});
