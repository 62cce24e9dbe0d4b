import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { PassThrough, Writable } from 'node:stream';
import { describe, it, type TestContext } from 'node:test';
import { connectSsh, generateSshKeyPair, type SshConnection } from '../../../src/index.js';
import { SshTestHost } from '../../../src/testing/index.js';
import { startOpenSsh } from '../../helpers/openssh-server.js';
import { isRunning, processesMentioning } from '../../helpers/processes.js';

const client = generateSshKeyPair({ comment: 'client' });

/** Opens a connection to a fresh server of one kind, closed (with the server) when the test ends; undefined when skipped. */
type Server = (t: TestContext) => Promise<SshConnection | undefined>;

const servers: Readonly<Record<string, Server>> = {
  'the embedded ssh2 host': async (t) => {
    const host = await SshTestHost.start({ authorizedKeys: [client.publicKey] });
    t.after(() => host.stop());
    return connected(t, { host: host.hostname, port: host.port, hostPublicKey: host.hostPublicKey });
  },
  "OpenSSH's sshd": async (t) => {
    const sshd = await startOpenSsh(t, { authorizedKeys: [client.publicKey] });
    return sshd === undefined ? undefined : connected(t, { host: sshd.host, port: sshd.port, hostPublicKey: sshd.hostPublicKey });
  },
};

async function connected(t: TestContext, server: { host: string; port: number; hostPublicKey: string }): Promise<SshConnection> {
  const connection = await connectSsh({ host: server.host, port: server.port, user: 'root', privateKey: client.privateKey, hostKeys: [server.hostPublicKey] });
  t.after(() => { connection.close(); });
  return connection;
}

/** A word no other process's command line contains, to find the remote command among this host's processes. */
function marker(): string {
  return `envboot-stream-${randomBytes(6).toString('hex')}`;
}

/** Bytes the process has written so far (Linux /proc), 0 once it is gone. */
function bytesWritten(pid: number): number {
  try {
    return Number(/^wchar: (\d+)$/m.exec(readFileSync(`/proc/${pid}/io`, 'utf8'))?.[1] ?? 0);
  } catch {
    return 0;
  }
}

async function pause(ms: number): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, ms));
}

/** Waits until no process mentions `word` any more; fails after 5 s. */
async function untilEnded(word: string): Promise<void> {
  for (let tries = 0; processesMentioning(word).length > 0; tries += 1) {
    assert.ok(tries < 250, `still running: ${processesMentioning(word).join(', ')}`);
    await pause(20);
  }
}

/**
 * A reader that takes one chunk per millisecond through a 16 KiB buffer, checks that the
 * lines `<n> <word>` arrive complete and in order, and can stall once at a byte count.
 */
class SlowOrderedReader extends Writable {
  received = 0;
  lines = 0;
  /** The most the stream held in its buffer when it took a chunk: one chunk short of its peak. */
  maxBuffered = 0;
  #partial = '';
  #stall: { at: number; during: () => Promise<void> } | undefined;

  constructor(readonly word: string) {
    super({ highWaterMark: 16 * 1024 });
  }

  /** Once `at` bytes have arrived, takes nothing more until `during` has resolved. */
  stallAt(at: number, during: () => Promise<void>): void {
    this.#stall = { at, during };
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.maxBuffered = Math.max(this.maxBuffered, this.writableLength);
    this.received += chunk.length;
    const lines = (this.#partial + chunk.toString('latin1')).split('\n');
    this.#partial = lines.pop() ?? '';
    for (const line of lines) {
      this.lines += 1;
      if (line !== `${this.lines} ${this.word}`) {
        callback(new Error(`line ${this.lines} is ${JSON.stringify(line.slice(0, 80))}`));
        return;
      }
    }
    const stall = this.#stall;
    if (stall === undefined || this.received < stall.at) {
      setTimeout(callback, 1);
      return;
    }
    this.#stall = undefined;
    stall.during().then(() => { callback(); }, callback);
  }

  /** Ends the stream and waits until it has taken everything. */
  async finish(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.once('error', reject);
      this.end(resolve);
    });
  }
}

/**
 * What the command (the process whose command line mentions `word`) has written once it
 * stopped writing: it must stop while nobody reads, unless it finished.
 */
async function whereItStops(word: string): Promise<{ written: number; running: boolean }> {
  let written = -1;
  for (let tries = 0; ; tries += 1) {
    const pids = processesMentioning(word);
    const now = Math.max(0, ...pids.map(bytesWritten));
    if (now === written || tries > 50) return { written: now, running: pids.some(isRunning) };
    written = now;
    await pause(100);
  }
}

for (const [name, connect] of Object.entries(servers)) {
  describe(`exec output piped to streams, against ${name}`, () => {
    it('holds the command back to the pace of a slow reader, delivering 20 MB complete and in order', async (t) => {
      const connection = await connect(t);
      if (connection === undefined) return;
      const word = marker();
      const count = 600_000; // lines of about 35 bytes: about 21 MB
      const reader = new SlowOrderedReader(word);
      let stalled: { written: number; running: boolean; read: number } | undefined;
      reader.stallAt(2 * 1024 * 1024, async () => {
        stalled = { ...(await whereItStops(word)), read: reader.received };
      });
      const result = await connection.exec({ command: `seq -f '%.0f ${word}' 1 ${count}`, stdout: reader });
      await reader.finish();
      assert.deepEqual([result.exitCode, result.outputClosed], [0, undefined]);
      assert.equal(result.stdout.length, 0, 'output piped to a stream is not also collected');
      assert.equal(reader.lines, count);
      assert.ok(reader.received > 20_000_000, `${reader.received} bytes`);
      assert.ok(reader.maxBuffered <= 16 * 1024 + 64 * 1024, `the reader's buffer held ${reader.maxBuffered} bytes: more than one chunk past full`);
      assert.ok(stalled !== undefined);
      assert.ok(stalled.running, 'the command was still running (blocked) while the reader stalled');
      const ahead = stalled.written - stalled.read;
      assert.ok(ahead < 12 * 1024 * 1024, `the command got ${ahead} bytes ahead of a stalled reader: more than a few SSH windows`);
    });

    it('delivers all of standard error to a slow stream, even after the channel has closed', async (t) => {
      const connection = await connect(t);
      if (connection === undefined) return;
      const word = marker();
      const reader = new SlowOrderedReader(word);
      const result = await connection.exec({ command: `seq -f '%.0f ${word}' 1 40000 >&2; echo done`, stderr: reader });
      await reader.finish();
      assert.deepEqual([result.exitCode, result.stdout.toString(), result.stderr.length], [0, 'done\n', 0]);
      assert.equal(reader.lines, 40_000);
    });

    it('ends the command and resolves with outputClosed when the reader goes away (EPIPE)', async (t) => {
      const connection = await connect(t);
      if (connection === undefined) return;
      const word = marker();
      let chunks = 0;
      const closedPipe = new Writable({
        write: (_chunk, _encoding, callback) => {
          chunks += 1;
          callback(chunks === 1 ? null : Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
        },
      });
      const result = await connection.exec({ command: `yes ${word}`, stdout: closedPipe });
      assert.equal(result.outputClosed, true);
      await untilEnded(word);
      const after = await connection.exec({ command: 'echo still usable' });
      assert.equal(after.stdout.toString(), 'still usable\n', 'the connection outlives the command');
    });

    it('ends the command at once when the stream is already destroyed', async (t) => {
      const connection = await connect(t);
      if (connection === undefined) return;
      const word = marker();
      const gone = new PassThrough();
      gone.destroy();
      const result = await connection.exec({ command: `yes ${word}`, stdout: gone });
      assert.equal(result.outputClosed, true);
      await untilEnded(word);
    });

    it('pipes standard error too, into the same stream if asked, collecting only what is not piped unless told to', async (t) => {
      const connection = await connect(t);
      if (connection === undefined) return;
      const both = new PassThrough();
      const text: Buffer[] = [];
      both.on('data', (chunk: Buffer) => text.push(chunk));
      const piped = await connection.exec({ command: 'echo out; sleep 0.1; echo err >&2', stdout: both, stderr: both });
      assert.deepEqual([piped.stdout.toString(), piped.stderr.toString()], ['', '']);
      assert.equal(Buffer.concat(text).toString(), 'out\nerr\n');
      assert.ok(!both.writableEnded, 'the stream is left open for the caller');
      const half = await connection.exec({ command: 'echo out; echo err >&2', stdout: new PassThrough() });
      assert.deepEqual([half.stdout.toString(), half.stderr.toString()], ['', 'err\n']);
      const kept = await connection.exec({ command: 'echo out; echo err >&2', stdout: new PassThrough(), stderr: new PassThrough(), collect: true });
      assert.deepEqual([kept.stdout.toString(), kept.stderr.toString()], ['out\n', 'err\n']);
    });
  });
}
