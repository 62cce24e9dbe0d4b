import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CloudConfigBuilder, validateCloudConfig } from '../../cloudinit/index.js';
import { hostKeyPair } from './fixtures.js';

describe('CloudConfigBuilder', () => {
  it('adds files, commands, packages and keys in order, producing a valid config', () => {
    const { publicKey } = hostKeyPair();
    const config = new CloudConfigBuilder({ final_message: 'base' })
      .addBootCommand('mkdir -p /run/app')
      .addFile({ path: '/etc/app.conf', content: 'port = 8080\n', permissions: '0640' })
      .addPackage('nginx')
      .addPackage('libc6', '2.36-9')
      .addCommand(['systemctl', 'restart', 'nginx'])
      .addCommand('echo done')
      .addAuthorizedKey(publicKey)
      .setFinalMessage('ready')
      .build();
    assert.deepEqual(config, {
      final_message: 'ready',
      bootcmd: ['mkdir -p /run/app'],
      write_files: [{ path: '/etc/app.conf', content: 'port = 8080\n', permissions: '0640' }],
      package_update: true,
      packages: ['nginx', ['libc6', '2.36-9']],
      runcmd: [['systemctl', 'restart', 'nginx'], 'echo done'],
      ssh_authorized_keys: [publicKey],
    });
    assert.equal(validateCloudConfig(config).ok, true);
  });

  it('build returns a copy: later changes to the builder do not alter it', () => {
    const builder = new CloudConfigBuilder().addCommand('one');
    const first = builder.build();
    builder.addCommand('two');
    assert.deepEqual(first.runcmd, ['one']);
    assert.deepEqual(builder.build().runcmd, ['one', 'two']);
  });
});
