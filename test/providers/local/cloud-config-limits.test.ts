import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkLocalCloudConfig } from '../../../providers/local/index.js';

describe('checkLocalCloudConfig', () => {
  it('accepts what a local machine can do', () => {
    assert.deepEqual(
      checkLocalCloudConfig({
        users: ['default', { name: 'root' }],
        write_files: [{ path: '/etc/app.conf', content: 'x' }, { path: '/var/lib/envboot/nonce', content: 'n' }, { path: '/usr/local/bin/tool' }],
        runcmd: ['true'],
        package_update: false,
      }),
      [],
    );
  });

  it('refuses packages, other accounts and files on the read-only host, each with what to do', () => {
    const problems = checkLocalCloudConfig({
      packages: ['nginx'],
      package_upgrade: true,
      apt: { sources: {} },
      users: ['default', 'ubuntu'],
      write_files: [{ path: '/usr/bin/tool' }, { path: '/etc/../usr/x' }],
    });
    assert.deepEqual(problems.map((p) => p.path), ['packages', 'package_upgrade', 'apt', 'users[1]', 'write_files[0].path', 'write_files[1].path']);
    assert.match(problems[0]?.message ?? '', /does not install OS packages.*remove "packages"/);
    assert.match(problems[3]?.message ?? '', /only the root account/);
    assert.match(problems[4]?.message ?? '', /read-only.*write under \/etc/);
  });
});
