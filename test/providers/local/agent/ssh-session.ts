import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import type { TestContext } from 'node:test';
import ssh2 from 'ssh2';

/** A raw ssh2 client logged in as root with `privateKey`, trusting only `hostPublicKey`; ended when the test ends. */
export function connectRoot(t: TestContext, params: { host: string; port: number; privateKey: string; hostPublicKey: string }): Promise<ssh2.Client> {
  const expected = ssh2.utils.parseKey(params.hostPublicKey);
  assert.ok(!(expected instanceof Error), 'the host key parses');
  const client = new ssh2.Client();
  t.after(() => { client.end(); });
  return new Promise((resolve, reject) => {
    client.once('ready', () => { resolve(client); });
    client.once('error', reject);
    client.connect({
      host: params.host,
      port: params.port,
      username: 'root',
      privateKey: params.privateKey,
      readyTimeout: 5_000,
      hostVerifier: (key: Buffer) => key.equals(expected.getPublicSSH()),
    });
  });
}

/** How a session ended, and everything it printed on stdout (with a pty, all of its output). */
export interface SessionResult {
  readonly code: number | undefined;
  readonly signal: string | undefined;
  readonly out: string;
  readonly err: string;
}

/** One session channel: what it printed so far, a way to wait for some of it, and how it ended. */
export interface Session {
  readonly channel: ssh2.ClientChannel;
  output(): string;
  /** Resolves once the output matches; rejects after 10 s, with what was printed. */
  waitFor(pattern: RegExp): Promise<void>;
  readonly ended: Promise<SessionResult>;
}

export type SessionRequest =
  | { readonly kind: 'shell'; readonly pty?: ssh2.PseudoTtyOptions; readonly env?: Record<string, string> }
  | { readonly kind: 'exec'; readonly command: string; readonly pty?: ssh2.PseudoTtyOptions };

/** Opens a `shell` or `exec` session, with a pty when `pty` is given. */
export function openSession(client: ssh2.Client, request: SessionRequest): Promise<Session> {
  return new Promise((resolve, reject) => {
    const opened = (error: Error | undefined, channel: ssh2.ClientChannel): void => {
      if (error !== undefined) { reject(error); return; }
      resolve(sessionOf(channel));
    };
    const env = request.kind === 'shell' && request.env !== undefined ? { env: request.env } : {};
    if (request.kind === 'exec') client.exec(request.command, request.pty === undefined ? {} : { pty: request.pty }, opened);
    else if (request.pty === undefined) client.shell(false, env, opened);
    else client.shell(request.pty, env, opened);
  });
}

function sessionOf(channel: ssh2.ClientChannel): Session {
  let out = '';
  let err = '';
  let code: number | undefined;
  let signal: string | undefined;
  channel.on('data', (chunk: Buffer) => (out += chunk.toString()));
  channel.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  channel.on('exit', (exitCode: number | null, exitSignal?: string) => {
    code = exitCode ?? undefined;
    signal = exitSignal;
  });
  const ended = new Promise<SessionResult>((resolve) => {
    channel.on('close', () => { resolve({ code, signal, out, err }); });
  });
  return {
    channel,
    output: () => out,
    waitFor: async (pattern) => {
      const deadline = Date.now() + 10_000;
      while (!pattern.test(out)) {
        assert.ok(Date.now() < deadline, `waited 10 s for ${String(pattern)}; the session printed ${JSON.stringify(out)} ${JSON.stringify(err)}`);
        await sleep(20);
      }
    },
    ended,
  };
}
