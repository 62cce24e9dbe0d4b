import { shellQuote } from '../../cloudinit/index.js';
import { RemoteCommandError, connectSsh } from '../../src/index.js';
import type { Enrolment } from './enrolments.js';
import { stateDir } from './probe-host.js';

/**
 * Releases one host from the environment, as Juju's manual provider does: runs the
 * environment's teardown commands, removes envboot's state directory (marker, nonce) and
 * the environment's key from the user's authorized_keys. The host keeps running: it was
 * never envboot's to shut down.
 */
export async function releaseHost(params: {
  readonly enrolment: Enrolment;
  readonly identity: string;
  readonly teardownCommands: readonly string[];
  readonly signal?: AbortSignal | undefined;
}): Promise<void> {
  const { enrolment } = params;
  const signal = params.signal === undefined ? {} : { signal: params.signal };
  const connection = await connectSsh({
    host: enrolment.host,
    port: enrolment.port,
    user: enrolment.user,
    privateKey: params.identity,
    hostKeys: enrolment.hostKeys,
    ...signal,
  });
  try {
    const sudo = enrolment.user !== 'root';
    const teardown = [...params.teardownCommands, `rm -rf -- ${shellQuote(stateDir)}`].join('\n');
    const ran = await connection.exec({ command: 'sh -s', sudo, stdin: `set -e\n${teardown}\n`, ...signal });
    if (ran.exitCode !== 0) {
      throw new RemoteCommandError(
        `releasing ${enrolment.host}: the teardown exited with status ${String(ran.exitCode)}; fix the host and run destroy again`,
        { ...(ran.exitCode === undefined ? {} : { exitCode: ran.exitCode }), outputTail: ran.stderr.toString('utf8').trim().split('\n').slice(-5) },
      );
    }
    const key = enrolment.authorizedKey?.trim().split(/\s+/).slice(0, 2).join(' ');
    if (key !== undefined && key !== '') {
      // As the login user, on its own file: the line envboot added goes, every other stays.
      const file = '"$HOME/.ssh/authorized_keys"';
      await connection.exec({ command: `if [ -f ${file} ]; then grep -vF -- ${shellQuote(key)} ${file} > ${file}.envboot || true; cat ${file}.envboot > ${file}; rm -f ${file}.envboot; fi`, ...signal });
    }
  } finally {
    connection.close();
  }
}
