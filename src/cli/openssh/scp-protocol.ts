import { spawn } from 'node:child_process';
import { isMissingProgram, missingClientError } from './missing-client.js';

/**
 * The flags that make this client's `scp` use the original SCP protocol: `-O` where scp
 * knows it (OpenSSH 9.0 and later default to SFTP, which the machines of the local
 * provider, like other minimal SSH servers, do not serve), none for older scp, which uses
 * it by default. Read from scp's own usage line rather than its version, which scp does
 * not print. A missing scp is `CONFIG_INVALID`, naming the package to install.
 */
export async function scpProtocolFlags(params: { command: string }): Promise<string[]> {
  const usage = await new Promise<string>((resolve, reject) => {
    const child = spawn('scp', [], { stdio: ['ignore', 'ignore', 'pipe'] });
    let text = '';
    child.stderr.on('data', (chunk: Buffer) => (text += chunk.toString()));
    child.once('error', (error) => {
      reject(isMissingProgram(error) ? missingClientError({ tool: 'scp', command: params.command, cause: error }) : error);
    });
    child.once('close', () => { resolve(text); });
  });
  const letters = /usage: scp \[-([0-9A-Za-z]+)\]/.exec(usage)?.[1] ?? '';
  return letters.includes('O') ? ['-O'] : [];
}
