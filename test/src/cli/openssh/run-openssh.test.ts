import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CommandContext } from '../../../../src/cli/context.js';
import { runOpenSsh } from '../../../../src/cli/openssh/run-openssh.js';
import { requireTool } from '../../../helpers/require-tool.js';

describe('running an OpenSSH client', () => {
  it("returns the program's exit status, and keeps the remote command out of the debug log", async (t) => {
    const sh = requireTool(t, 'sh', 'stands in for ssh');
    if (sh === undefined) return;
    const logged: string[] = [];
    const logger = { debug: (message: string, meta?: unknown): void => { logged.push(`${message} ${JSON.stringify(meta)}`); } };
    const context = { logger, signal: new AbortController().signal } as unknown as CommandContext;
    // sh reads "-c SCRIPT NAME ARGS…": the words after "--" are the secret-looking command.
    const code = await runOpenSsh(context, { tool: sh, args: ['-c', 'exit 7', '--', 'mysql', '-pSECRET-PASSWORD'], command: 'envboot ssh' });
    assert.equal(code, 7);
    assert.equal(logged.length, 1);
    assert.match(logged[0] ?? '', /"-c","exit 7","--","\(2 more word\(s\), not logged\)"/);
    assert.doesNotMatch(logged.join('\n'), /SECRET|mysql/);
  });
});
