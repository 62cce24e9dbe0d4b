import { gzipSync } from 'node:zlib';
import type { CloudConfig } from '../../cloudinit/index.js';
import { armoredKey, hostKeyPair } from './fixtures.js';

const host = hostKeyPair();
const client = hostKeyPair();

/** Configs that together use every key envboot supports, for schema and rendering tests. */
export const corpus: readonly { readonly name: string; readonly config: CloudConfig }[] = [
  { name: 'empty', config: {} },
  {
    name: 'minimal bootstrap',
    config: {
      ssh_authorized_keys: [client.publicKey],
      ssh_keys: { ed25519_private: host.privateKey, ed25519_public: host.publicKey },
      write_files: [{ path: '/var/lib/envboot/nonce', content: '3f9c2a7b', permissions: '0600', defer: true }],
    },
  },
  { name: 'runcmd strings and argv', config: { runcmd: ['echo hello', ['touch', '/tmp/a b'], "printf '%s' \"$HOME\""] } },
  { name: 'bootcmd', config: { bootcmd: ['mkdir -p /run/app', ['cloud-init-per', 'once', 'mymkfs', 'true']] } },
  { name: 'packages plain and pinned', config: { package_update: true, packages: ['nginx', ['libc6', '2.36-9+deb12u4']] } },
  { name: 'package upgrade', config: { package_upgrade: true } },
  { name: 'write_files text with owner and mode', config: { write_files: [{ path: '/etc/app.conf', content: 'a = yes\n', owner: 'www-data:www-data', permissions: '0640' }] } },
  { name: 'write_files append', config: { write_files: [{ path: '/etc/hosts', content: '10.0.0.1 db\n', append: true }] } },
  { name: 'write_files b64', config: { write_files: [{ path: '/opt/blob', content: 'AAEC', encoding: 'b64' }] } },
  {
    name: 'write_files gzip+base64',
    config: { write_files: [{ path: '/opt/zipped', content: gzipSync('zipped\n').toString('base64'), encoding: 'gz+b64' }] },
  },
  { name: 'write_files raw bytes', config: { write_files: [{ path: '/opt/raw', content: new Uint8Array([0, 255, 10]) }] } },
  { name: 'users default and named', config: { users: ['default', { name: 'app', gecos: 'App User', shell: '/bin/bash', groups: ['adm', 'sudo'], sudo: 'ALL=(ALL) NOPASSWD:ALL', lock_passwd: true, ssh_authorized_keys: [client.publicKey] }] } },
  { name: 'system user with home', config: { users: [{ name: 'svc', system: true, homedir: '/srv/svc', primary_group: 'nogroup', sudo: false }] } },
  { name: 'apt source with key', config: { apt: { sources: { myrepo: { source: 'deb [signed-by=/etc/apt/trusted.gpg.d/myrepo.asc] http://repo.example.invalid/ $RELEASE main', key: armoredKey, filename: 'myrepo.list' } } } } },
  { name: 'final message', config: { final_message: 'envboot finished after $UPTIME seconds at $TIMESTAMP' } },
  {
    name: 'tricky strings',
    config: { runcmd: [['echo', 'yes', 'no', 'on', '0644', '1_000', '~', '']], write_files: [{ path: '/etc/yes', content: 'off' }], final_message: 'no' },
  },
  {
    name: 'everything',
    config: {
      bootcmd: ['true'],
      write_files: [{ path: '/etc/a', content: 'a' }, { path: '/etc/b', content: 'b', defer: true }],
      users: ['default'],
      ssh_authorized_keys: [client.publicKey],
      ssh_keys: { ed25519_private: host.privateKey, ed25519_public: host.publicKey },
      apt: { sources: { other: { source: 'deb http://other.example.invalid/ stable main' } } },
      package_update: true,
      package_upgrade: true,
      packages: ['curl'],
      runcmd: ['true'],
      final_message: 'done',
    },
  },
];
