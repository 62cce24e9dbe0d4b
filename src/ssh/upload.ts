import { shellQuote } from '../../cloudinit/index.js';
import { RemoteCommandError } from '../errors/index.js';
import type { SshConnection } from './ssh-connection.js';

export interface UploadFileParams {
  readonly connection: SshConnection;
  /** Absolute path on the machine; its directory must exist. */
  readonly path: string;
  readonly content: Uint8Array | string;
  /** Octal mode such as `0600`. Default `0600`. */
  readonly mode?: string;
  /** Write it as root through `sudo -n`. */
  readonly sudo?: boolean;
  readonly signal?: AbortSignal;
}

/**
 * Writes a file on the machine through the command's standard input (no SFTP subsystem
 * needed, and it works through sudo). The file is created with a restrictive umask, so
 * it is never readable by others, even for an instant.
 */
export async function uploadFile(params: UploadFileParams): Promise<void> {
  const target = shellQuote(params.path);
  const result = await params.connection.exec({
    command: `umask 077 && cat > ${target} && chmod ${params.mode ?? '0600'} ${target}`,
    stdin: params.content,
    ...(params.sudo === undefined ? {} : { sudo: params.sudo }),
    ...(params.signal === undefined ? {} : { signal: params.signal }),
  });
  if (result.exitCode !== 0) {
    const stderr = result.stderr.toString().trim();
    throw new RemoteCommandError(
      `writing ${params.path} on ${params.connection.address} failed (exit ${String(result.exitCode ?? result.exitSignal)}): ${stderr}`,
      {
        address: params.connection.address,
        ...(result.exitCode === undefined ? {} : { exitCode: result.exitCode }),
        ...(result.exitSignal === undefined ? {} : { exitSignal: result.exitSignal }),
        outputTail: stderr.split('\n').slice(-20),
      },
    );
  }
}
