import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { knownHostKeys } from '../../../src/ssh/index.js';
import { tempDir } from '../../helpers/temp-dir.js';

const edKey = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBm8y8eRkKjzLh0u0mF1dH8k3c2gyJt1k2vEWcJ1zQ1a';
const otherKey = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHxv0aQ4wq1m6Wc7m9k1vVbR2sZc6b0mQx0c4w8kqZ1b';

function hashed(name: string): string {
  const salt = randomBytes(20);
  return `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update(name).digest('base64')}`;
}

async function knownHosts(lines: readonly string[]): Promise<string> {
  const file = path.join(await tempDir(), 'known_hosts');
  await writeFile(file, `${lines.join('\n')}\n`);
  return file;
}

describe('knownHostKeys', () => {
  it('finds plain, comma-listed and hashed entries, with [host]:port for other ports', async () => {
    const file = await knownHosts([
      '# a comment',
      `bastion.example.com,203.0.113.5 ${edKey} ops@laptop`,
      `${hashed('[10.0.0.9]:2222')} ${otherKey}`,
      `other.example.com ${otherKey}`,
    ]);
    assert.deepEqual(await knownHostKeys({ host: '203.0.113.5', port: 22, files: [file] }), [edKey]);
    assert.deepEqual(await knownHostKeys({ host: '10.0.0.9', port: 2222, files: [file] }), [otherKey]);
    assert.deepEqual(await knownHostKeys({ host: '10.0.0.9', port: 22, files: [file] }), [], 'the port is part of the name');
  });

  it('honours wildcard and negated patterns, and skips revoked keys and certificate authorities', async () => {
    const file = await knownHosts([
      `*.example.com,!secret.example.com ${edKey}`,
      `@revoked bastion.example.com ${otherKey}`,
      `@cert-authority *.example.com ${otherKey}`,
    ]);
    assert.deepEqual(await knownHostKeys({ host: 'bastion.example.com', port: 22, files: [file] }), [edKey]);
    assert.deepEqual(await knownHostKeys({ host: 'secret.example.com', port: 22, files: [file] }), []);
  });

  it('treats missing files as knowing nothing', async () => {
    assert.deepEqual(await knownHostKeys({ host: 'h', port: 22, files: ['/nonexistent/known_hosts'] }), []);
  });
});
