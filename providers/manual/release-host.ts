import { shellQuote } from '../../cloudinit/index.js';
import { RemoteCommandError, connectSsh, keyLineFields } from '../../src/index.js';
import type { Enrolment } from './enrolments.js';
import { stateDir } from './probe-host.js';

/**
 * Releases one host from the environment, as Juju's manual provider does: runs the
 * environment's teardown commands, removes envboot's state directory (marker, nonce) and
 * the environment's keys (its own, and every client `envboot authorize` added) from the
 * user's authorized_keys. The host keeps running: it was never envboot's to shut down.
 */
export async function releaseHost(params: {
  readonly enrolment: Enrolment;
  readonly identity: string;
  /** Whose `envboot:<uuid>:` lines to remove. */
  readonly environmentUuid: string;
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
    const key = keyLineFields(enrolment.authorizedKey ?? '').key;
    // As the login user, on its own file: the environment's key and the lines `envboot authorize` marked as this
    // environment's go (see machineKeyLine); every other line stays, the user's own copy of an authorized key too.
    const file = '"$HOME/.ssh/authorized_keys"';
    const keep = `!((key != "" && index($0, key) > 0) || index($3, mark) == 1)`;
    await connection.exec({
      command: `if [ -f ${file} ]; then awk -v key=${shellQuote(key)} -v mark=${shellQuote(`envboot:${params.environmentUuid}:`)} '${keep}' ${file} > ${file}.envboot && cat ${file}.envboot > ${file}; rm -f ${file}.envboot; fi`,
      ...signal,
    });
  } finally {
    connection.close();
  }
}
