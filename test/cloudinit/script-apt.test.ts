import assert from 'node:assert/strict';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { renderScript } from '../../cloudinit/index.js';
import { runCommand } from '../helpers/run-script.js';
import { tempDir } from '../helpers/temp-dir.js';
import { armoredKey } from './fixtures.js';

/**
 * apt-get is replaced by a recorder first on PATH: the test checks what the script asks
 * apt for, without installing anything on the test machine. It fails its first call
 * with status 100, as apt does when another process holds the dpkg lock.
 */
async function fakeAptGet(dir: string): Promise<string> {
  const bin = path.join(dir, 'bin');
  await mkdir(bin);
  const log = path.join(dir, 'apt.log');
  await writeFile(
    path.join(bin, 'apt-get'),
    `#!/bin/sh\nprintf '%s|' "DEBIAN_FRONTEND=$DEBIAN_FRONTEND" "$@" >> '${log}'\necho >> '${log}'\nif [ ! -e '${dir}/failed-once' ]; then touch '${dir}/failed-once'; echo 'E: Could not get lock' >&2; exit 100; fi\n`,
  );
  await chmod(path.join(bin, 'apt-get'), 0o755);
  return bin;
}

describe('renderScript apt steps', () => {
  it('writes sources with $RELEASE substituted and keys, then updates, upgrades and installs, retrying a locked apt', async () => {
    const root = await tempDir();
    const bin = await fakeAptGet(root);
    const script = path.join(root, 'configure.sh');
    await writeFile(
      script,
      renderScript(
        {
          apt: { sources: { myrepo: { source: 'deb http://repo.example.invalid/ $RELEASE main', key: armoredKey } } },
          package_upgrade: true,
          packages: ['nginx', ['libc6', '2.36-9']],
        },
        { rootPrefix: root },
      ),
    );
    const run = await runCommand('sh', [script], { env: { ...process.env, PATH: `${bin}:${process.env['PATH'] ?? ''}`, ENVBOOT_APT_RETRY_DELAY: '0' } });
    assert.equal(run.status, 0, run.stderr);
    const release = /^VERSION_CODENAME=(.*)$/m.exec(await readFile('/etc/os-release', 'utf8'))?.[1] ?? '';
    assert.equal(
      await readFile(path.join(root, 'etc/apt/sources.list.d/myrepo.list'), 'utf8'),
      `deb http://repo.example.invalid/ ${release} main\n`,
    );
    assert.equal(await readFile(path.join(root, 'etc/apt/trusted.gpg.d/myrepo.asc'), 'utf8'), armoredKey);
    const calls = (await readFile(path.join(root, 'apt.log'), 'utf8')).trim().split('\n');
    const options = '-q|-y|-o|DPkg::Lock::Timeout=300|-o|Dpkg::Options::=--force-confdef|-o|Dpkg::Options::=--force-confold';
    assert.deepEqual(calls, [
      `DEBIAN_FRONTEND=noninteractive|${options}|update|`,
      `DEBIAN_FRONTEND=noninteractive|${options}|update|`,
      `DEBIAN_FRONTEND=noninteractive|${options}|dist-upgrade|`,
      `DEBIAN_FRONTEND=noninteractive|${options}|install|nginx|libc6=2.36-9|`,
    ]);
    assert.match(run.stderr, /envboot: apt-get update failed with status 100 \(attempt 1 of 5\); retrying/);
  });
});
