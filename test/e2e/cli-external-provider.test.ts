import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cliHome } from '../src/cli/cli-harness.js';

// A third-party provider as a package author would write it: a plain ES module, no envboot import needed.
const acme = `
export const provider = {
  name: 'acme',
  description: 'ACME cloud (test double)',
  capabilities: { zones: false, firewall: false, instanceTypes: false, packageInstallation: true, tags: true, maxUserDataBytes: 16384, userDataGzip: true },
  validateConfig: ({ config }) => config?.region === undefined
    ? { ok: false, problems: [{ path: 'region', message: 'required: the ACME region, e.g. moon-1' }] }
    : { ok: true, config },
  open: async ({ environment, config }) => ({
    provider: 'acme', environment, sshUser: 'root', capabilities: provider.capabilities,
    storage: () => { throw new Error('unused'); },
    preflight: async () => { throw Object.assign(new Error('ACME refused the API key for ' + config.region + '; set ACME_KEY'), { code: 'CREDENTIALS_INVALID' }); },
  }),
};
`;

describe('third-party providers named in environments.yaml', () => {
  it('imports a provider module by path, checks its options with its own validateConfig, and runs it', async () => {
    const cli = await cliHome('envboot-cli-ext-');
    await cli.write('providers/acme.mjs', acme);
    await cli.write('environments.yaml', 'environments:\n  moon:\n    provider: ./providers/acme.mjs\n    options: {region: moon-1}\n  bad:\n    provider: ./providers/acme.mjs\n    options: {}\n');
    const run = await cli.run(['bootstrap', 'moon']);
    assert.equal(run.code, 3, run.stderr);
    assert.match(run.stderr, /ACME refused the API key for moon-1/);
    const bad = await cli.run(['bootstrap', 'bad']);
    assert.equal(bad.code, 2, bad.stderr);
    assert.match(bad.stderr, /invalid options for provider "\.\/providers\/acme\.mjs"[\s\S]*region: required/);
  });

  it('says clearly when the module is missing or does not export a provider (exit 2)', async () => {
    const cli = await cliHome('envboot-cli-ext-bad-');
    await cli.write('providers/empty.mjs', 'export const something = 1;\n');
    await cli.write('providers/half.mjs', "export default { name: 'Half Cloud', open() {} };\n");
    await cli.write(
      'environments.yaml',
      'environments:\n  gone: {provider: ./providers/missing.mjs}\n  empty: {provider: ./providers/empty.mjs}\n  half: {provider: ./providers/half.mjs}\n  pkg: {provider: envboot-provider-nowhere}\n',
    );
    const expectations: [string, RegExp][] = [
      ['gone', /provider "\.\/providers\/missing\.mjs" was not found: check the path/],
      ['empty', /does not export a provider: no "provider" or default export/],
      ['half', /"name" must be lower-case letters[\s\S]*"validateConfig" must be a function[\s\S]*"capabilities" must be an object/],
      ['pkg', /provider "envboot-provider-nowhere" was not found: install it \(npm install envboot-provider-nowhere\)/],
    ];
    for (const [name, says] of expectations) {
      const run = await cli.run(['bootstrap', name]);
      assert.equal(run.code, 2, `${name}: ${run.stderr}`);
      assert.match(run.stderr, says);
    }
    assert.deepEqual(cli.environmentDirs(), [], 'nothing recorded for environments that never started');
  });
});
