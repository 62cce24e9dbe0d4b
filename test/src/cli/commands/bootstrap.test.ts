import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { cliHome, collect, type CliHome } from '../cli-harness.js';

// A third-party provider whose steps can be made to refuse or to wait for an interrupt.
const moody = `
export const provider = {
  name: 'moody',
  description: 'a provider for tests: refuses at preflight, or opens only when interrupted',
  capabilities: { packageInstallation: true, tags: true, maxUserDataBytes: 16384, userDataGzip: true },
  validateConfig: ({ config }) => ({ ok: true, config: config ?? {} }),
  open: ({ environment, config, signal }) => {
    const environ = {
      provider: 'moody', environment, sshUser: 'root', capabilities: provider.capabilities,
      storage: () => { throw new Error('unused'); },
      preflight: async () => { throw Object.assign(new Error('moody refuses region ' + config.region + ': no such region'), { code: 'CONFIG_INVALID' }); },
    };
    if (config.open !== 'slow') return Promise.resolve(environ);
    process.stderr.write('moody: opening\\n');
    // A pending request, as a real cloud call would have, keeps the process alive meanwhile.
    const pending = setInterval(() => undefined, 1000);
    return new Promise((_, reject) => {
      signal.addEventListener('abort', () => {
        clearInterval(pending);
        reject(Object.assign(new Error('opening cancelled'), { code: 'CANCELLED' }));
      }, { once: true });
    });
  },
};
`;

async function moodyHome(): Promise<CliHome> {
  const cli = await cliHome('envboot-cli-boot-');
  await cli.write('providers/moody.mjs', moody);
  await cli.write(
    'environments.yaml',
    'environments:\n  refused:\n    provider: ./providers/moody.mjs\n    options: {region: mars-1}\n  slow:\n    provider: ./providers/moody.mjs\n    options: {open: slow}\n',
  );
  return cli;
}

/** Every folder and file under the data directory, relative to it. */
async function dataEntries(cli: CliHome): Promise<string[]> {
  const data = path.join(cli.home, 'data');
  return existsSync(data) ? ['data', ...(await readdir(data, { recursive: true })).map((entry) => `data/${entry}`)] : [];
}

describe('envboot bootstrap leaves nothing of an environment it never created', () => {
  it('when the provider refuses the input at preflight (exit 2): no record, no lock, no empty folders', async () => {
    const cli = await moodyHome();
    const run = await cli.run(['bootstrap', 'refused']);
    assert.equal(run.code, 2, run.stderr);
    assert.match(run.stderr, /moody refuses region mars-1/);
    assert.deepEqual(await dataEntries(cli), []);
  });

  it('when interrupted while the environment is being opened (exit 130): no record, no client key', async () => {
    const cli = await moodyHome();
    const child = cli.start(['bootstrap', 'slow']);
    const done = collect(child);
    await new Promise<void>((resolve) => {
      let seen = '';
      child.stderr?.on('data', (chunk: Buffer | string) => {
        seen += chunk.toString();
        if (seen.includes('moody: opening')) resolve();
      });
    });
    child.kill('SIGINT');
    const run = await done;
    assert.equal(run.code, 130, run.stderr);
    assert.deepEqual(await dataEntries(cli), []);
  });
});
