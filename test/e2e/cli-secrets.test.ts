import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { cliHome, type CliHome, type CliRun } from '../src/cli/cli-harness.js';
import { destroyLeftovers, requireLocalMachines } from './cli-fixtures.js';

/**
 * The secrets of an environment: its client private key, each machine's host private key
 * (from the local provider's record of it) and nonce (read on the machine), and a value
 * only the controller's cloud-config holds. Key blocks are searched for line by line: a
 * log that wraps or re-indents a key still leaks each line of it.
 */
async function secretsOf(cli: CliHome, environment: string, extra: readonly string[]): Promise<Map<string, string>> {
  const dir = cli.environmentDir(environment);
  const found = new Map<string, string>();
  const addKey = (what: string, pem: string): void => {
    pem.split('\n').filter((line) => line.length >= 20 && !line.startsWith('-----')).forEach((line, i) => found.set(`${what}, line ${i + 1}`, line));
  };
  addKey('the client private key', await readFile(path.join(dir, 'client-key'), 'utf8'));
  const machinesDir = path.join(dir, 'provider', 'machines');
  for (const id of await readdir(machinesDir)) {
    const record = JSON.parse(await readFile(path.join(machinesDir, id, 'machine.json'), 'utf8')) as { id: string; hostPrivateKey?: string };
    assert.ok(record.hostPrivateKey !== undefined, `machine ${id} has a host key`);
    addKey(`the host private key of ${id}`, record.hostPrivateKey);
  }
  for (const machine of ['0', '1']) {
    const nonce = await cli.run(['exec', environment, machine, '--', 'cat /var/lib/envboot/nonce']);
    assert.equal(nonce.code, 0, nonce.stderr);
    assert.match(nonce.stdout, /^[0-9a-f]{32}\n$/);
    found.set(`the nonce of machine ${machine}`, nonce.stdout.trim());
  }
  extra.forEach((value, i) => found.set(`cloud-config secret ${i + 1}`, value));
  return found;
}

describe('secrets stay out of everything envboot prints and logs', () => {
  it('no host private key, client key, nonce or cloud-config secret in any output, event, error or log of a bootstrap, a failed add-machine and the commands after', async (t) => {
    if (!(await requireLocalMachines(t))) return;
    const cli = await cliHome('envboot-cli-secrets-');
    destroyLeftovers(cli);
    const fileSecret = `file-secret-${randomBytes(12).toString('hex')}`;
    const pemBody = randomBytes(48).toString('base64');
    await cli.write(
      'controller.yaml',
      `#cloud-config\nwrite_files:\n  - path: /etc/app.conf\n    permissions: "0600"\n    content: "token=${fileSecret}\\n"\n  - path: /etc/app.key\n    permissions: "0600"\n    content: |\n      -----BEGIN PRIVATE KEY-----\n      ${pemBody}\n      -----END PRIVATE KEY-----\nruncmd:\n  - echo configured\n`,
    );
    await cli.write('failing.yaml', `#cloud-config\nwrite_files:\n  - path: /etc/app.conf\n    content: "token=${fileSecret}\\n"\nruncmd:\n  - echo about to fail\n  - exit 4\n`);
    await cli.write('environments.yaml', 'environments:\n  sec:\n    provider: local\n    controller-cloud-config: ./controller.yaml\n');
    const log = path.join(cli.home, 'debug.log');
    const runs: [string, CliRun][] = [];
    const run = async (args: string[], expected: number): Promise<void> => {
      const ran = await cli.run(['--debug', '--log-file', log, ...args]);
      assert.equal(ran.code, expected, `${args.join(' ')}: ${ran.stderr}`);
      runs.push([args.join(' '), ran]);
    };

    await run(['bootstrap', 'sec', '--json'], 0);
    await run(['add-machine', 'sec', '--cloud-config', path.join(cli.home, 'failing.yaml'), '--keep-broken', '--json'], 1);
    await run(['add-machine', 'sec', '--cloud-config', path.join(cli.home, 'failing.yaml'), '--keep-broken'], 1);
    await run(['status', 'sec', '--json'], 0);
    await run(['status', 'sec'], 0);
    await run(['exec', 'sec', '1', '--', 'echo still reachable'], 0);

    const secrets = await secretsOf(cli, 'sec', [fileSecret, pemBody]);
    assert.ok(secrets.size >= 12, `${secrets.size} secrets to look for`);
    const places: [string, string][] = runs.flatMap(([args, ran]) => [
      [`stdout of "${args}"`, ran.stdout],
      [`stderr of "${args}"`, ran.stderr],
    ]);
    places.push(['the --log-file', await readFile(log, 'utf8')]);
    // Every log envboot and the local agent keep under the home, whatever their names.
    for (const file of await readdir(cli.home, { recursive: true })) {
      const full = path.join(cli.home, file);
      if (/\.log$/.test(full) && !full.includes(`${path.sep}fs${path.sep}`) && existsSync(full)) places.push([full, await readFile(full, 'utf8').catch(() => '')]);
    }
    assert.ok(places.some(([, text]) => text.includes('about to fail')), 'the failed configure run was seen (the search covers real failure output)');
    for (const [place, text] of places) {
      for (const [what, secret] of secrets) assert.ok(!text.includes(secret), `${what} appears in ${place}`);
    }
  });
});
