import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readdir, readFile, utimes, writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import type { TestContext } from 'node:test';
import yaml from 'js-yaml';
import { generateSshKeyPair } from '../../src/index.js';
import { closedPort } from '../../src/testing/index.js';
import { cliPath, collect, type CliHome } from '../src/cli/cli-harness.js';

/** One machine of a bootstrapped environment that the OpenSSH tools are checked against. */
export interface ToolTarget {
  readonly cli: CliHome;
  readonly env: string;
  readonly machine: string;
  /** The user envboot logs in as there (root on local machines, the default user on clouds). */
  readonly user: string;
  /** A directory on the machine for the copies: absolute, or relative to the user's home. */
  readonly remoteDir: string;
  /** Extra environment of every run (e.g. the fake AWS endpoints). */
  readonly runEnv?: Readonly<Record<string, string | undefined>>;
}

/** Runs a program (ssh, sh, rsync) with HOME at the test's home, never the real one. */
export async function runProgram(target: ToolTarget, file: string, args: readonly string[], env: Readonly<Record<string, string>> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(file, args, { env: { ...process.env, HOME: target.cli.home, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  return collect(child, 60_000);
}

async function exec(target: ToolTarget, command: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return target.cli.run(['exec', target.env, target.machine, '--', command], { env: target.runEnv ?? {} });
}

/**
 * `envboot ssh ENV M -N -L PORT:127.0.0.1:SERVICE`: a local port forwarded through the
 * machine's SSH server to a service on its loopback, read through the forward; then the
 * session is ended with SIGTERM, which envboot passes on to ssh.
 */
export async function checkPortForward(t: TestContext, target: ToolTarget): Promise<void> {
  const service = net.createServer((socket) => socket.end('forwarded-hello\n'));
  await new Promise<void>((resolve) => service.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => service.close(() => { resolve(); })));
  const servicePort = (service.address() as net.AddressInfo).port;
  const local = await closedPort();
  const child = target.cli.start(['ssh', target.env, target.machine, '-N', '-o', 'ExitOnForwardFailure=yes', '-L', `${local}:127.0.0.1:${servicePort}`], { env: target.runEnv ?? {} });
  const done = collect(child);
  let read = '';
  for (let tries = 0; tries < 300 && child.exitCode === null && !read.includes('forwarded-hello'); tries += 1) {
    read = await readPort(local);
    if (!read.includes('forwarded-hello')) await new Promise((resolve) => setTimeout(resolve, 50));
  }
  child.kill('SIGTERM');
  const ended = await done;
  assert.equal(read, 'forwarded-hello\n', `read through the forward; ssh said: ${ended.stderr}`);
}

function readPort(port: number): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    const socket = net.connect(port, '127.0.0.1');
    socket.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
    socket.once('error', () => { resolve(''); });
    socket.once('close', () => { resolve(text); });
  });
}

/** Files to copy: some binary bytes, and a tree with a nested directory and a name with a space. */
async function makePayload(dir: string): Promise<{ file: string; tree: string }> {
  await mkdir(path.join(dir, 'tree', 'sub dir'), { recursive: true });
  const file = path.join(dir, 'payload.bin');
  await writeFile(file, randomBytes(200_000));
  await writeFile(path.join(dir, 'tree', 'a.txt'), 'first file\n');
  await writeFile(path.join(dir, 'tree', 'sub dir', 'b.txt'), 'in a nested directory\n');
  await writeFile(path.join(dir, 'odd:name'), 'a local name with a colon\n');
  return { file, tree: path.join(dir, 'tree') };
}

/** Every file under `dir` with its contents, by relative path. */
export async function treeContents(dir: string): Promise<Record<string, string>> {
  const names = (await readdir(dir, { recursive: true, withFileTypes: true })).filter((e) => e.isFile());
  const entries = await Promise.all(names.map(async (e) => [path.relative(dir, path.join(e.parentPath, e.name)), (await readFile(path.join(e.parentPath, e.name))).toString('base64')] as const));
  return Object.fromEntries(entries.sort(([a], [b]) => a.localeCompare(b)));
}

/**
 * `envboot scp` both ways: a file (-p, its time kept) and a directory (-r) to the machine, checked there with
 * `exec`, and back into new local paths, compared byte for byte; a local name with a ":"
 * written ./a:b. Runs in `workDir`, the relative paths as an operator types them.
 */
export async function checkCopies(target: ToolTarget, workDir: string): Promise<void> {
  const { file, tree } = await makePayload(workDir);
  const scp = (args: readonly string[]): Promise<{ code: number | null; stderr: string }> =>
    collect(spawn(process.execPath, [cliPath, 'scp', target.env, ...args], { cwd: workDir, env: { ...process.env, ENVBOOT_HOME: target.cli.home, HOME: target.cli.home, NO_COLOR: '1', ...target.runEnv }, stdio: ['ignore', 'pipe', 'pipe'] }));
  const remote = (name: string): string => `${target.machine}:${target.remoteDir}/${name}`;
  assert.equal((await exec(target, `mkdir -p ${target.remoteDir}`)).code, 0);

  // -p keeps the modification time: one from 2001 arrives as it is.
  await utimes(file, 1_000_000_000, 1_000_000_000);
  const up = await scp(['-p', './payload.bin', remote('')]);
  assert.equal(up.code, 0, up.stderr);
  const upTree = await scp(['-r', './tree', remote('tree-up')]);
  assert.equal(upTree.code, 0, upTree.stderr);
  const odd = await scp(['./odd:name', remote('')]);
  assert.equal(odd.code, 0, odd.stderr);
  const there = await exec(target, `cd ${target.remoteDir} && sha256sum payload.bin && cat 'tree-up/sub dir/b.txt' tree-up/a.txt odd:name && stat -c %U tree-up/a.txt && stat -c %Y payload.bin`);
  assert.equal(there.code, 0, there.stderr);
  const sum = (await runProgram(target, 'sha256sum', [file])).stdout.split(' ')[0];
  assert.equal(there.stdout, `${sum}  payload.bin\nin a nested directory\nfirst file\na local name with a colon\n${target.user}\n1000000000\n`);

  const down = await scp([remote('payload.bin'), './payload-down.bin']);
  assert.equal(down.code, 0, down.stderr);
  assert.deepEqual(await readFile(path.join(workDir, 'payload-down.bin')), await readFile(file));
  const downTree = await scp(['-r', remote('tree-up'), './tree-down']);
  assert.equal(downTree.code, 0, downTree.stderr);
  assert.deepEqual(await treeContents(path.join(workDir, 'tree-down')), await treeContents(tree));
}

/**
 * A copy fails when OpenSSH finds another host key than the pinned one: `scp` is wrapped
 * (first on PATH) by a script that swaps the environment's known_hosts for another key
 * just before the real scp runs, after envboot's own client verified the machine. The
 * file does not arrive.
 */
export async function checkCopyRefusesOtherKey(target: ToolTarget, workDir: string, realScp: string): Promise<void> {
  const wrappers = path.join(workDir, 'wrapped-bin');
  await mkdir(wrappers, { recursive: true });
  const other = generateSshKeyPair({ comment: 'not-the-machine' }).publicKey.split(' ').slice(0, 2).join(' ');
  const knownHosts = path.join(target.cli.environmentDir(target.env), 'known_hosts');
  const script = `#!/bin/sh\nif [ "$#" -gt 0 ]; then sed -i -E 's|^([^ ]+) .*|\\1 ${other}|' '${knownHosts}' || exit 99; fi\nexec '${realScp}' "$@"\n`;
  await writeFile(path.join(wrappers, 'scp'), script);
  await chmod(path.join(wrappers, 'scp'), 0o755);
  await writeFile(path.join(workDir, 'pinned.txt'), 'must not arrive\n');
  const run = await collect(spawn(process.execPath, [cliPath, 'scp', target.env, './pinned.txt', `${target.machine}:${target.remoteDir}/`], {
    cwd: workDir,
    env: { ...process.env, ENVBOOT_HOME: target.cli.home, HOME: target.cli.home, NO_COLOR: '1', ...target.runEnv, PATH: `${wrappers}:${process.env['PATH'] ?? ''}` },
    stdio: ['ignore', 'pipe', 'pipe'],
  }));
  assert.notEqual(run.code, 0, 'the copy failed');
  assert.match(run.stderr, /REMOTE HOST IDENTIFICATION HAS CHANGED|Host key verification failed/);
  assert.equal((await exec(target, `test -e ${target.remoteDir}/pinned.txt`)).code, 1, 'nothing arrived');
}

/**
 * `envboot ssh-config` read by the real ssh: `ssh -F FILE envboot-ENV-M` logs in as the
 * machine's user; with the known_hosts it names holding another key, ssh refuses.
 */
export async function checkSshConfig(target: ToolTarget, workDir: string): Promise<string> {
  const printed = await target.cli.run(['ssh-config', target.env], { env: target.runEnv ?? {} });
  assert.equal(printed.code, 0, printed.stderr);
  const alias = `envboot-${target.env}-${target.machine}`;
  assert.match(printed.stdout, new RegExp(`^Host ${alias}\\n`, 'm'));
  const file = path.join(workDir, 'ssh_config');
  await writeFile(file, printed.stdout);
  const ran = await runProgram(target, 'ssh', ['-F', file, alias, 'id -un']);
  assert.deepEqual([ran.code, ran.stdout], [0, `${target.user}\n`], ran.stderr);
  const plain = await runProgram(target, 'ssh', ['-F', file, alias, 'true']);
  assert.equal(plain.code, 0, plain.stderr);

  const knownHosts = path.join(target.cli.environmentDir(target.env), 'known_hosts');
  const pinned = await readFile(knownHosts, 'utf8');
  const other = generateSshKeyPair({ comment: 'other' }).publicKey.split(' ').slice(0, 2).join(' ');
  await writeFile(knownHosts, pinned.replace(/^(\S+) .*$/gm, `$1 ${other}`));
  const refused = await runProgram(target, 'ssh', ['-F', file, alias, 'true']);
  await writeFile(knownHosts, pinned);
  assert.equal(refused.code, 255, 'ssh refuses a machine whose key is not the pinned one');
  assert.match(refused.stderr, /REMOTE HOST IDENTIFICATION HAS CHANGED|Host key verification failed/);

  for (const [args, says] of [[['ssh-config', target.env, '7'], /has no machine 7/], [['ssh-config', target.env, 'web'], /"web" is not a machine id/]] as const) {
    const bad = await target.cli.run(args, { env: target.runEnv ?? {} });
    assert.equal(bad.code, 2, bad.stderr);
    assert.match(bad.stderr, says);
  }
  return file;
}

/**
 * `envboot inventory`: the JSON's ssh options and the Ansible inventory's variables, each
 * used as their consumers use them (the Ansible args split as shlex splits them, by sh),
 * reach the machine with the real ssh.
 */
export async function checkInventory(target: ToolTarget): Promise<void> {
  const json = await target.cli.run(['inventory', target.env], { env: target.runEnv ?? {} });
  assert.equal(json.code, 0, json.stderr);
  const inventory = JSON.parse(json.stdout) as { schemaVersion: number; environment: { name: string }; machines: { id: string; instanceId: string; host: string; port: number; user: string; addresses: unknown[]; ssh: { options: string[] } }[] };
  assert.equal(inventory.schemaVersion, 1);
  assert.equal(inventory.environment.name, target.env);
  const machine = inventory.machines.find((m) => m.id === target.machine);
  assert.ok(machine !== undefined && machine.addresses.length > 0 && machine.instanceId !== '');
  assert.equal(machine.user, target.user);
  const viaJson = await runProgram(target, 'ssh', [...machine.ssh.options, '-p', String(machine.port), `${machine.user}@${machine.host}`, 'id -un']);
  assert.deepEqual([viaJson.code, viaJson.stdout], [0, `${target.user}\n`], viaJson.stderr);

  const ansible = await target.cli.run(['inventory', target.env, '--format', 'ansible'], { env: target.runEnv ?? {} });
  assert.equal(ansible.code, 0, ansible.stderr);
  const groups = (yaml.load(ansible.stdout) as { all: { children: Record<string, { hosts: Record<string, Record<string, string | number> | null> }> } }).all.children;
  assert.ok(`envboot-${target.env}-0` in (groups['controller']?.hosts ?? {}), 'machine 0 is in the controller group');
  const vars = groups['machines']?.hosts[`envboot-${target.env}-${target.machine}`];
  assert.ok(vars !== undefined && vars !== null);
  const viaAnsible = await runProgram(
    target,
    'sh',
    ['-c', 'eval "set -- $ARGS"; exec ssh "$@" -i "$KEY" -p "$PORT" "$USER_AT_HOST" id -un'],
    { ARGS: String(vars['ansible_ssh_common_args']), KEY: String(vars['ansible_ssh_private_key_file']), PORT: String(vars['ansible_port']), USER_AT_HOST: `${String(vars['ansible_user'])}@${String(vars['ansible_host'])}` },
  );
  assert.deepEqual([viaAnsible.code, viaAnsible.stdout], [0, `${target.user}\n`], viaAnsible.stderr);
  await checkWithAnsibleInventory(target, ansible.stdout, `envboot-${target.env}-${target.machine}`);
  const bad = await target.cli.run(['inventory', target.env, '--format', 'xml'], { env: target.runEnv ?? {} });
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--format must be one of json, ansible \(got "xml"\)/);
}

/**
 * Ansible's own reader, where it is installed (it is not a test dependency: the structure
 * is checked above either way): the host and its variables as Ansible sees them.
 */
async function checkWithAnsibleInventory(target: ToolTarget, inventory: string, host: string): Promise<void> {
  const file = path.join(target.cli.home, 'ansible-inventory.yaml');
  await writeFile(file, inventory);
  let listed: { code: number | null; stdout: string; stderr: string };
  try {
    listed = await runProgram(target, 'ansible-inventory', ['-i', file, '--list']);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  assert.equal(listed.code, 0, listed.stderr);
  const seen = JSON.parse(listed.stdout) as { _meta: { hostvars: Record<string, Record<string, unknown>> }; controller: { hosts: string[] } };
  assert.equal(seen._meta.hostvars[host]?.['ansible_user'], target.user);
  assert.ok(seen.controller.hosts.includes(`envboot-${target.env}-0`));
}
