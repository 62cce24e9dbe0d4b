import { setTimeout as sleep } from 'node:timers/promises';
import type { Duplex } from 'node:stream';
import { ErrorCode, findInChain } from '../../errors/index.js';
import { jumpTargetOf, type Address, type SshRoute } from '../../provider/index.js';
import { connectSsh, type SshKeyPair } from '../../ssh/index.js';

/** How to knock on one machine's SSH: the route common code uses, and what the machine must present. */
export interface SshKnock {
  readonly route: SshRoute;
  readonly user: string;
  /** The machine's host keys: only a server presenting one of them is the machine. */
  readonly hostKeys: readonly string[];
  readonly clientKey: SshKeyPair;
  /** Per attempt: TCP connect plus handshake. */
  readonly connectTimeoutMs: number;
}

/**
 * Whether the machine's own SSH server answers on `address`, through the route's jump host
 * when it has one: true when a server completes the handshake with the machine's host
 * key, whether or not it then lets the client in. Refused, unreachable, timed out, closed,
 * a jump host that cannot reach the address, or another host key (another machine now
 * has the address): false. A jump host that cannot be reached at all fails: the route is
 * broken, which says nothing about the machine.
 */
export async function answersSsh(knock: SshKnock, address: Address): Promise<boolean> {
  const jumpTarget = jumpTargetOf(knock.route, knock.clientKey.privateKey);
  const jump = jumpTarget === undefined ? undefined : await connectSsh({ ...jumpTarget, connectTimeoutMs: knock.connectTimeoutMs });
  try {
    let sock: Duplex | undefined;
    if (jump !== undefined) {
      sock = await jump.forwardOut(address.value, address.port ?? 22).catch(() => undefined);
      if (sock === undefined) return false;
    }
    const connection = await connectSsh({
      host: address.value,
      port: address.port ?? 22,
      user: knock.user,
      privateKey: knock.clientKey.privateKey,
      hostKeys: knock.hostKeys,
      connectTimeoutMs: knock.connectTimeoutMs,
      ...(sock === undefined ? {} : { sock }),
    });
    connection.close();
    return true;
  } catch (error) {
    // A refused key comes after the host key was verified: the machine's server is there.
    return findInChain(error, ErrorCode.SshAuthRefused) !== undefined;
  } finally {
    jump?.close();
  }
}

/** Knocks on `address` (small, growing pauses) until it no longer answers: true once silent, false if it still answers at `deadline`. */
export async function silentBy(knock: SshKnock, address: Address, deadline: number): Promise<boolean> {
  for (let pause = 50; ; pause = Math.min(pause * 2, 1_000)) {
    const connectTimeoutMs = Math.max(500, Math.min(knock.connectTimeoutMs, deadline - Date.now()));
    if (!(await answersSsh({ ...knock, connectTimeoutMs }, address))) return true;
    if (Date.now() + pause >= deadline) return false;
    await sleep(pause);
  }
}
