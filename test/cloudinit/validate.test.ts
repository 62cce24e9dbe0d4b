import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { describe, it } from 'node:test';
import yaml from 'js-yaml';
import { CloudConfigError, assertValidCloudConfig, validateCloudConfig } from '../../cloudinit/index.js';
import { isConfigError } from '../../src/index.js';
import { hostKeyPair } from './fixtures.js';

const { publicKey } = hostKeyPair();

function problemsOf(input: unknown): string[] {
  const result = validateCloudConfig(input);
  return result.ok ? [] : result.problems.map((p) => `${p.path}: ${p.message}`);
}

describe('validateCloudConfig', () => {
  const bad: [string, unknown, RegExp][] = [
    ['a list instead of a mapping', ['runcmd'], /^: a cloud-config must be a mapping/],
    ['an unknown top-level key', { runcmds: [] }, /^runcmds: unknown key; supported here: bootcmd, write_files/],
    ['a relative file path', { write_files: [{ path: 'etc/app.conf' }] }, /^write_files\[0\]\.path: must be an absolute path, got "etc\/app.conf"/],
    ['a missing file path', { write_files: [{ content: 'x' }] }, /^write_files\[0\]\.path: is required/],
    ['a directory path', { write_files: [{ path: '/etc/' }] }, /names a directory/],
    ['numeric permissions', { write_files: [{ path: '/a', permissions: 420 }] }, /^write_files\[0\]\.permissions: must be an octal string like "0644", got number 420 \(quote it/],
    ['non-octal permissions', { write_files: [{ path: '/a', permissions: '0999' }] }, /must be an octal string like "0644", got string "0999"/],
    ['an unsupported encoding', { write_files: [{ path: '/a', content: 'x', encoding: 'uuencode' }] }, /^write_files\[0\]\.encoding: unsupported encoding string "uuencode"; use one of: text\/plain, b64/],
    ['bad base64', { write_files: [{ path: '/a', content: 'not base64!', encoding: 'b64' }] }, /^write_files\[0\]\.content: is not valid base64/],
    ['bad gzip', { write_files: [{ path: '/a', content: Buffer.from('plain').toString('base64'), encoding: 'gz+b64' }] }, /is not valid gzip data/],
    ['an unknown file key', { write_files: [{ path: '/a', mode: '0644' }] }, /^write_files\[0\]\.mode: unknown key; supported here: path, content, owner/],
    ['a bad owner', { write_files: [{ path: '/a', owner: 'root; rm -rf /' }] }, /owner: must be "user" or "user:group"/],
    ['a non-boolean append', { write_files: [{ path: '/a', append: 'yes' }] }, /^write_files\[0\]\.append: must be true or false, got string "yes"/],
    ['bytes with an encoding', { write_files: [{ path: '/a', content: new Uint8Array([1]), encoding: 'b64' }] }, /is raw bytes, so "encoding" must be absent/],
    ['a number as a command', { runcmd: [42] }, /^runcmd\[0\]: must be a command string or a list of arguments, got number 42/],
    ['an empty argv', { bootcmd: [[]] }, /^bootcmd\[0\]: must not be an empty list/],
    ['a non-string argument', { runcmd: [['echo', 1]] }, /^runcmd\[0\]\[1\]: must be a string, got number 1/],
    ['a NUL in a command', { runcmd: ['echo \u0000'] }, /must not contain a NUL character/],
    ['runcmd not a list', { runcmd: 'echo hi' }, /^runcmd: must be a list, got string "echo hi"/],
    ['a bad package name', { packages: ['Nginx!'] }, /^packages\[0\]: "Nginx!" is not a Debian package name/],
    ['a bad pinned package', { packages: [['nginx']] }, /must be a \[name, version\] pair/],
    ['package_update not boolean', { package_update: 'true' }, /^package_update: must be true or false/],
    ['a bad user name', { users: [{ name: 'Bad User' }] }, /^users\[0\]\.name: "Bad User" is not a valid user name/],
    ['a user without name', { users: [{ shell: '/bin/sh' }] }, /^users\[0\]\.name: is required/],
    ['an unknown user key', { users: [{ name: 'app', passwd: 'x' }] }, /^users\[0\]\.passwd: unknown key/],
    ['a multi-line sudo rule', { users: [{ name: 'app', sudo: 'ALL=(ALL) ALL\nroot ALL' }] }, /a sudoers rule must be one line/],
    ['a bad authorized key', { ssh_authorized_keys: ['hello'] }, /^ssh_authorized_keys\[0\]: is not an OpenSSH public key/],
    ['an unpaired host key', { ssh_keys: { ed25519_public: publicKey } }, /^ssh_keys\.ed25519_public: needs its pair "ed25519_private"/],
    ['an unknown host key type', { ssh_keys: { dsa_private: 'x' } }, /^ssh_keys\.dsa_private: unknown key/],
    ['an apt keyid', { apt: { sources: { repo: { source: 'deb http://example.invalid/ stable main', keyid: 'ABCD' } } } }, /keyid: fetching keys from a key server is not supported; put the ASCII-armored key in "key"/],
    ['an apt source that is not a deb line', { apt: { sources: { repo: { source: 'http://example.invalid/' } } } }, /must be one "deb …" or "deb-src …" line/],
    ['an unknown apt key', { apt: { conf: 'x' } }, /^apt\.conf: unknown key; supported here: http_proxy, https_proxy, primary, security, sources/],
    ['an empty apt mirror list', { apt: { primary: [] } }, /^apt\.primary: must list at least one mirror/],
    ['a non-string final message', { final_message: ['done'] }, /^final_message: must be a string, got a list/],
  ];
  for (const [what, input, expected] of bad) {
    it(`reports ${what}`, () => {
      const problems = problemsOf(input);
      assert.ok(
        problems.some((p) => expected.test(p)),
        `expected a problem matching ${String(expected)}, got:\n${problems.join('\n')}`,
      );
    });
  }

  it('reports every problem at once', () => {
    const problems = problemsOf({
      colour: 'blue',
      write_files: [{ path: 'rel' }, { path: '/ok', permissions: 644 }],
      runcmd: [1],
    });
    assert.equal(problems.length, 4, problems.join('\n'));
  });

  it('accepts a parsed cloud-config YAML file as it is', () => {
    const text = `#cloud-config
package_update: true
packages: [nginx, [libc6, "2.36-9"]]
write_files:
  - path: /etc/app.conf
    content: ${Buffer.from(gzipSync('port=1\n')).toString('base64')}
    encoding: gz+b64
    permissions: '0600'
    owner: root:root
runcmd:
  - [systemctl, restart, nginx]
  - echo done
users: [default, {name: app, groups: "adm, sudo", sudo: "ALL=(ALL) NOPASSWD:ALL"}]
ssh_authorized_keys: ["${publicKey}"]
final_message: up after $UPTIME seconds
`;
    assert.deepEqual(problemsOf(yaml.load(text)), []);
  });

  it('assertValidCloudConfig throws a CONFIG_INVALID error that the library classifies as bad input', () => {
    assert.throws(
      () => assertValidCloudConfig({ runcmd: 'x' }, 'controller cloud-config'),
      (error: unknown) => {
        assert.ok(error instanceof CloudConfigError);
        assert.ok(isConfigError(error));
        assert.match(error.message, /^invalid controller cloud-config; fix these and try again:\n {2}- runcmd: must be a list/);
        return true;
      },
    );
  });
});
