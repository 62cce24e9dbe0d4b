import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomInt, randomUUID } from 'node:crypto';
import { readdirSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it, type TestContext } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { machineTags, tearDownEnviron, type Address, type ZonedEnviron } from '../../../../src/index.js';
import { processTree } from '../../../helpers/processes.js';
import { requireTool } from '../../../helpers/require-tool.js';
import { client, holderPid, machineUserData, madeEarlier, openLocal, run, waitUntilBooted, type TestUserData } from '../fixtures.js';
import { connectRoot, openSession } from './ssh-session.js';

let environ: ZonedEnviron | undefined;
let dataDir: string;
let machine: { id: string; address: Address; secrets: TestUserData } | undefined;

before(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'envboot-local-shell-'));
});
after(async () => {
  // Teardown first: the directory holds the agent's socket.
  try {
    if (environ !== undefined) await tearDownEnviron(environ, {});
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
});

/** An ssh2 client logged in to the test machine. */
function connect(t: TestContext, target: NonNullable<typeof machine>): ReturnType<typeof connectRoot> {
  return connectRoot(t, { host: target.address.value, port: target.address.port ?? 22, privateKey: client.privateKey, hostPublicKey: target.secrets.hostKey.publicKey });
}

/**
 * Command lines of the processes in the machine's PID namespace (commands entered with
 * nsenter are not below the holder), its PID 1 and that one's `sleep` left out.
 */
async function machineProcesses(id: string): Promise<string[]> {
  const holder = await holderPid(dataDir, id);
  const [, init] = processTree(holder);
  assert.ok(init !== undefined, 'the machine has no PID 1');
  const namespace = readlinkSync(`/proc/${init}/ns/pid`);
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry) && Number(entry) !== init && pidNamespaceOf(entry) === namespace)
    .map((pid) => commandLine(pid))
    .filter((line) => line !== '' && line !== 'sleep 86400');
}

function pidNamespaceOf(pid: string): string | undefined {
  try {
    return readlinkSync(`/proc/${pid}/ns/pid`);
  } catch {
    return undefined;
  }
}

/** A process's command line, NULs as spaces; '' for one gone meanwhile. */
function commandLine(pid: string): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').trim();
  } catch {
    return '';
  }
}

/** Polls until `check` holds (10 s at most). */
async function eventually(what: string, check: () => Promise<boolean> | boolean): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(await check())) {
    assert.ok(Date.now() < deadline, `still not so after 10 s: ${what}`);
    await sleep(50);
  }
}

describe('local machine shells and ptys', () => {
  it('runs root\'s login shell in a pty of the machine\'s own, with the requested size, TERM and env, and passes its exit status back', async (t) => {
    environ = await openLocal(t, { dataDir, uuid: randomUUID() });
    if (environ === undefined) return;
    const secrets = machineUserData();
    const started = await environ.startInstance({ machineId: '0', constraints: {}, userData: secrets.userData, tags: machineTags(environ.environment, '0') });
    const instance = await waitUntilBooted(environ, started.instance.id);
    assert.equal(instance.status, 'running', instance.statusMessage);
    const [address] = instance.addresses;
    assert.ok(address !== undefined);
    machine = { id: instance.id, address, secrets };

    const ssh = await connect(t, machine);
    const shell = await openSession(ssh, { kind: 'shell', pty: { rows: 24, cols: 80, term: 'xterm-256color' }, env: { LANG: 'C.UTF-8' } });
    shell.channel.write('tty; stty size; echo $HOME; echo "term=$TERM lang=$LANG"; exit 3\n');
    const ended = await shell.ended;
    assert.equal(ended.code, 3, ended.out + ended.err);
    assert.match(ended.out, /^\/dev\/pts\/\d+\r$/m);
    assert.match(ended.out, /^24 80\r$/m);
    assert.match(ended.out, /^\/root\r$/m);
    assert.match(ended.out, /^term=xterm-256color lang=C\.UTF-8\r$/m);
    // Its own devpts instance: another file system than the host's /dev/pts.
    const devices = await run(address, secrets.hostKey, 'stat -c %d /dev/pts');
    assert.notEqual(devices.out.trim(), String(statSync('/dev/pts').dev), 'the machine uses the host\'s terminals');
  });

  it('resizes the pty on window-change, and the foreground job gets SIGWINCH', async (t) => {
    if (!madeEarlier(t, machine, 'the machine')) return;
    const ssh = await connect(t, machine);
    const shell = await openSession(ssh, { kind: 'shell', pty: { rows: 24, cols: 80 } });
    // `$((…))` is expanded only when run: the echoed input cannot match.
    shell.channel.write(`sh -c 'trap "stty size; exit 7" WINCH; echo ready-$((1 + 1)); while :; do sleep 0.05; done'; exit $?\n`);
    await shell.waitFor(/^ready-2\r$/m);
    shell.channel.setWindow(50, 132, 0, 0);
    const ended = await shell.ended;
    assert.equal(ended.code, 7, ended.out + ended.err);
    assert.match(ended.out, /^50 132\r$/m);
  });

  it('runs an exec request in a pty when one was asked for (stderr then comes on stdout), and without one as before', async (t) => {
    if (!madeEarlier(t, machine, 'the machine')) return;
    const ssh = await connect(t, machine);
    const withPty = await (await openSession(ssh, { kind: 'exec', command: 'test -t 0 && echo tty; echo oops >&2; exit 4', pty: { rows: 24, cols: 80 } })).ended;
    assert.deepEqual(withPty, { code: 4, signal: undefined, out: 'tty\r\noops\r\n', err: '' });
    const withoutPty = await (await openSession(ssh, { kind: 'exec', command: 'test -t 0 && echo tty || echo no-tty; echo oops >&2; exit 4' })).ended;
    assert.deepEqual(withoutPty, { code: 4, signal: undefined, out: 'no-tty\n', err: 'oops\n' });
    const signalled = await openSession(ssh, { kind: 'exec', command: 'echo started; exec sleep 30', pty: { rows: 24, cols: 80 } });
    await signalled.waitFor(/started/);
    signalled.channel.signal('TERM');
    // Through a pty, a command killed by signal N ends with 128+N, as its shell would report it.
    assert.equal((await signalled.ended).code, 128 + 15);
  });

  it('lets the system OpenSSH client log in with a pty, and run a shell without one', async (t) => {
    if (!madeEarlier(t, machine, 'the machine')) return;
    const ssh = requireTool(t, 'ssh', 'Debian package openssh-client');
    if (ssh === undefined) return;
    const dir = await mkdtemp(path.join(tmpdir(), 'envboot-local-openssh-'));
    t.after(() => rm(dir, { recursive: true, force: true }));
    const keyFile = path.join(dir, 'id_ed25519');
    const knownHosts = path.join(dir, 'known_hosts');
    await writeFile(keyFile, client.privateKey, { mode: 0o600 });
    const [type, blob] = machine.secrets.hostKey.publicKey.split(' ');
    await writeFile(knownHosts, `[${machine.address.value}]:${machine.address.port ?? 22} ${type ?? ''} ${blob ?? ''}\n`);
    const login = (flag: string, input: string): Promise<{ code: number | null; out: string }> => {
      const child = spawn(ssh, [
        flag, '-i', keyFile, '-o', `UserKnownHostsFile=${knownHosts}`, '-o', 'StrictHostKeyChecking=yes', '-o', 'GlobalKnownHostsFile=/dev/null',
        '-o', 'IdentitiesOnly=yes', '-o', 'BatchMode=yes', '-F', '/dev/null', '-p', String(machine?.address.port ?? 22), `root@${machine?.address.value ?? ''}`,
      ], { stdio: ['pipe', 'pipe', 'pipe'] });
      t.after(() => { child.kill('SIGKILL'); });
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
      child.stdin.end(input);
      return new Promise((resolve) => child.on('close', (code) => { resolve({ code, out }); }));
    };
    const tty = await login('-tt', 'echo hi-$((40+2)); exit 5\n');
    assert.equal(tty.code, 5, tty.out);
    assert.match(tty.out, /^hi-42\r$/m);
    const plain = await login('-T', 'test -t 0 || echo no-pty-$((1+1)); exit 6\n');
    assert.deepEqual(plain, { code: 6, out: 'no-pty-2\n' });
  });

  it('hangs the session up when the channel closes: the shell and its jobs end, nothing is left in the machine', async (t) => {
    if (!madeEarlier(t, machine, 'the machine')) return;
    const target = machine;
    const ssh = await connect(t, target);
    const shell = await openSession(ssh, { kind: 'shell', pty: { rows: 24, cols: 80 } });
    const background = `sleep 301.${randomInt(100_000, 999_999)}`;
    const foreground = `sleep 302.${randomInt(100_000, 999_999)}`;
    shell.channel.write(`${background} & ${foreground}\n`);
    await eventually('both sleeps run in the machine', async () => {
      const processes = await machineProcesses(target.id);
      return processes.includes(background) && processes.includes(foreground);
    });
    shell.channel.close();
    await shell.ended;
    await eventually('the machine has no process left but its PID 1', async () => (await machineProcesses(target.id)).length === 0);
    // Every session of this file has ended: none left its record (pid and tty) behind.
    assert.deepEqual(await run(target.address, target.secrets.hostKey, 'ls -A /run/envboot/pty'), { code: 0, out: '' });
  });
});
