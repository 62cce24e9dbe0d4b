import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cliHome, finalResult, type CliHome } from '../src/cli/cli-harness.js';

/** envboot's own storage, for the test double's provider-state (a real provider has its own). */
const storageModule = new URL('../../storage/index.js', import.meta.url).href;

// A third-party provider as a package author would write it: a plain ES module, no envboot
// import needed (but for the in-memory provider-state). It takes two flags, --rack (repeats)
// and --spot, and its machines never start: startInstance says what it was asked for.
const acme = `
import { MemoryStorage } from ${JSON.stringify(storageModule)};
const storage = new MemoryStorage();
export const provider = {
  name: 'acme',
  description: 'ACME cloud (test double)',
  capabilities: { packageInstallation: true, tags: true, maxUserDataBytes: 16384, userDataGzip: true },
  validateConfig: ({ config }) => config?.region === undefined
    ? { ok: false, problems: [{ path: 'region', message: 'required: the ACME region, e.g. moon-1' }] }
    : { ok: true, config },
  placementFlags: {
    flags: [
      { name: 'rack', value: 'name', repeatable: true, help: 'an ACME rack to place the machine in (repeat: one machine each)' },
      { name: 'spot', help: { bootstrap: 'start the controller on spot capacity', 'add-machine': 'start the machines on spot capacity' } },
    ],
    apply: ({ command, config, values }) => {
      const racks = values.rack ?? [];
      const bad = racks.filter((rack) => !/^r[0-9]+$/.test(rack));
      if (bad.length > 0) return { ok: false, problems: bad.map((rack) => ({ path: '--rack', message: 'no rack "' + rack + '": racks are r1, r2, …' })) };
      return { ok: true, config: { ...config, spot: values.spot === true, command }, placements: racks.map((rack) => 'rack:' + rack) };
    },
  },
  open: async ({ environment, config }) => ({
    provider: 'acme', environment, sshUser: 'root', capabilities: provider.capabilities,
    storage: () => storage,
    preflight: async () => {
      if (config.key === undefined) throw Object.assign(new Error('ACME refused the API key for ' + config.region + '; set ACME_KEY'), { code: 'CREDENTIALS_INVALID' });
      return { warnings: [] };
    },
    startInstance: async ({ placement }) => {
      throw Object.assign(new Error('ACME was asked to start a machine at ' + placement + ' (spot: ' + config.spot + ', for ' + config.command + ')'), { code: 'CONFIG_INVALID' });
    },
    stopInstances: async () => undefined,
    instances: async ({ ids }) => ids.map(() => undefined),
    allInstances: async () => [],
  }),
};
`;

async function acmeHome(prefix: string, environments: string): Promise<CliHome> {
  const cli = await cliHome(prefix);
  await cli.write('providers/acme.mjs', acme);
  await cli.write('environments.yaml', `environments:\n${environments}`);
  return cli;
}

describe('third-party providers named in environments.yaml', () => {
  it('imports a provider module by path, checks its options with its own validateConfig, and runs it', async () => {
    const cli = await acmeHome('envboot-cli-ext-', '  moon:\n    provider: ./providers/acme.mjs\n    options: {region: moon-1}\n  bad:\n    provider: ./providers/acme.mjs\n    options: {}\n');
    const run = await cli.run(['bootstrap', 'moon']);
    assert.equal(run.code, 3, run.stderr);
    assert.match(run.stderr, /ACME refused the API key for moon-1/);
    const bad = await cli.run(['bootstrap', 'bad']);
    assert.equal(bad.code, 2, bad.stderr);
    assert.match(bad.stderr, /has 1 problem:\n {2}- environments\.bad\.options\.region: required: the ACME region/);
  });

  it("reports a third-party provider's bad option under environments.ENV.options, with the file's other problems, as for a built-in", async () => {
    const cli = await acmeHome(
      'envboot-cli-ext-options-',
      '  bad:\n    provider: ./providers/acme.mjs\n    options: {zone: x}\n    constraints: cores=lots\n' +
        '  loc:\n    provider: local\n    options: {zones: []}\n    constraints: cores=lots\n',
    );
    const shapes: string[] = [];
    for (const name of ['bad', 'loc']) {
      const run = await cli.run(['bootstrap', name]);
      assert.equal(run.code, 2, run.stderr);
      assert.match(run.stderr, new RegExp(`^Error: environments file .*environments\\.yaml has 2 problems:\\n {2}- environments\\.${name}\\.options\\.`));
      assert.match(run.stderr, new RegExp(`\\n {2}- environments\\.${name}\\.constraints: `));
      shapes.push(run.stderr.replace(/: [^\n]*$/gm, '').replaceAll(`.${name}.`, '.ENV.').replace(/options\.\w+/, 'options.KEY'));
    }
    assert.equal(shapes[0], shapes[1], 'the same lines, paths and order for a third-party provider as for a built-in');
    const json = finalResult(await cli.run(['bootstrap', 'bad', '--json']));
    const problems = (json['error'] as { problems: { path: string; message: string }[] }).problems;
    assert.deepEqual(problems.map((p) => p.path), ['environments.bad.options.region', 'environments.bad.constraints']);
    assert.deepEqual(cli.environmentDirs(), []);
  });

  it('declares the flags the provider declares, lists them in help, and delivers them to it', async () => {
    const cli = await acmeHome('envboot-cli-ext-flags-', '  racked:\n    provider: ./providers/acme.mjs\n    options: {region: moon-1, key: k}\n');
    for (const args of [['bootstrap', '--help'], ['help', 'bootstrap']]) {
      const help = await cli.run(args);
      assert.equal(help.code, 0, help.stderr);
      const text = help.stdout.replace(/\s+/g, ' ');
      assert.match(text, /--rack <name> \.\/providers\/acme\.mjs provider: an ACME rack to place the machine in/, args.join(' '));
      // The ec2 provider takes --spot too: one flag, each provider's help after it.
      assert.match(text, /--spot (?:[^-]*; )?\.\/providers\/acme\.mjs provider: start the controller on spot capacity/, args.join(' '));
    }
    assert.match((await cli.run(['add-machine', '--help'])).stdout.replace(/\s+/g, ' '), /--spot (?:[^-]*; )?\.\/providers\/acme\.mjs provider: start the machines on spot capacity/);

    const run = await cli.run(['bootstrap', 'racked', '--rack', 'r7', '--spot']);
    assert.equal(run.code, 2, run.stderr);
    assert.match(run.stderr, /ACME was asked to start a machine at rack:r7 \(spot: true, for bootstrap\)/);

    const refused: [string[], RegExp][] = [
      [['--rack', 'x9'], /^Error: --rack: no rack "x9": racks are r1, r2, …$/m],
      [['--rack', 'r1', '--rack', 'r2'], /bootstrap starts one machine, the controller, but the flags name 2 \(rack:r1, rack:r2\): give one/],
      [['--rack', 'r1', '--host', 'root@127.0.0.1'], /flags that are for the manual provider \(--host\) do not apply to environment "racked": it is on the \.\/providers\/acme\.mjs provider, which takes --rack, --spot/],
    ];
    for (const [flags, says] of refused) {
      const bad = await cli.run(['bootstrap', 'racked', ...flags]);
      assert.equal(bad.code, 2, `${flags.join(' ')}: ${bad.stderr}`);
      assert.match(bad.stderr, says);
    }
    // A provider whose flag bootstrap already has cannot take it: its environments are refused, saying why.
    await cli.write('providers/zoned.mjs', acme.replace("name: 'rack'", "name: 'zone'"));
    await cli.write('environments.yaml', 'environments:\n  racked: {provider: ./providers/acme.mjs, options: {region: moon-1, key: k}}\n  zoned: {provider: ./providers/zoned.mjs, options: {region: moon-1}}\n');
    const zoned = await cli.run(['bootstrap', 'zoned']);
    assert.equal(zoned.code, 2, zoned.stderr);
    assert.match(zoned.stderr, /^Error: the \.\/providers\/zoned\.mjs provider's flag --zone is already an option of "envboot bootstrap": environments on it cannot be used until the provider renames it$/m);
    const elsewhere = await cli.run(['bootstrap', 'demo', '--rack', 'r1']);
    assert.equal(elsewhere.code, 2, elsewhere.stderr);
    assert.match(elsewhere.stderr, /flags that are for the \.\/providers\/acme\.mjs provider \(--rack\) do not apply to environment "demo": it is on the local provider, which takes no provider flags/);
    assert.deepEqual(cli.environmentDirs(), []);
  });

  it('lists the third-party providers environments.yaml names with their capabilities and flags, and one that cannot be loaded with the reason', async () => {
    const cli = await acmeHome('envboot-cli-ext-list-', '  moon: {provider: ./providers/acme.mjs, options: {region: moon-1}}\n  gone: {provider: ./providers/missing.mjs}\n');
    const run = await cli.run(['providers']);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^manual +packages, user-data ≤ 1 MiB +--host, --identity, --host-key, --accept-new-host-key +existing hosts/m);
    assert.match(run.stdout, /^\.\/providers\/acme\.mjs +packages, tags, gzip user-data, user-data ≤ 16 KiB +--rack, --spot +ACME cloud \(test double\)$/m);
    assert.match(run.stdout, /envboot providers --check ENV` lists them/);
    assert.match(run.stdout, /^\.\/providers\/missing\.mjs +- +- +cannot be loaded: provider "\.\/providers\/missing\.mjs" was not found: check the path/m);

    const listed = (finalResult(await cli.run(['providers', '--json']))['result'] as { providers: Record<string, unknown>[] }).providers;
    assert.deepEqual(listed.map((p) => [p['name'], p['builtin']]), [['ec2', true], ['local', true], ['manual', true], ['qemu', true], ['./providers/acme.mjs', false], ['./providers/missing.mjs', false]]);
    const [acmeListed, missing] = listed.slice(4);
    assert.deepEqual(acmeListed?.['flags'], [
      { flag: '--rack', value: 'name', repeatable: true, requiredBy: [] },
      { flag: '--spot', value: null, repeatable: false, requiredBy: [] },
    ]);
    assert.equal((acmeListed['capabilities'] as { maxUserDataBytes: number }).maxUserDataBytes, 16384);
    assert.match((missing?.['error'] as { code: string; message: string }).message, /was not found/);
  });

  it('checks a provider with only the required core: no preflight to run, no abilities', async () => {
    const cli = await cliHome('envboot-cli-ext-bare-');
    await cli.write(
      'providers/bare.mjs',
      `export default {
  name: 'bare', description: 'the required core only', validateConfig: ({ config }) => ({ ok: true, config: config ?? {} }),
  capabilities: { packageInstallation: false, tags: true, maxUserDataBytes: 16384, userDataGzip: false },
  open: async ({ environment }) => ({
    provider: 'bare', environment, sshUser: 'root', capabilities: { packageInstallation: false, tags: true, maxUserDataBytes: 16384, userDataGzip: false },
    storage: () => { throw new Error('no storage in this test'); },
    startInstance: async () => { throw new Error('starts nothing'); },
    stopInstances: async () => undefined,
    instances: async ({ ids }) => ids.map(() => undefined),
    allInstances: async () => [],
  }),
};
`,
    );
    await cli.write('environments.yaml', 'environments:\n  plain: {provider: ./providers/bare.mjs}\n');
    const run = await cli.run(['providers', '--check', 'plain']);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /healthy\.\n\(the provider has no preflight: there is nothing to check before a bootstrap\)\nAbilities: none\./);
    const json = finalResult(await cli.run(['providers', '--check', 'plain', '--json']))['result'] as { abilities: string[]; checks: unknown[] };
    assert.deepEqual([json.abilities, json.checks], [[], []]);
  });

  it('finds a provider package whose exports have only an import condition, next to environments.yaml', async () => {
    const cli = await cliHome('envboot-cli-ext-esm-');
    await cli.write('node_modules/envboot-provider-moon/package.json', JSON.stringify({ name: 'envboot-provider-moon', type: 'module', exports: { '.': { import: './provider.js' } } }));
    await cli.write(
      'node_modules/envboot-provider-moon/provider.js',
      "export const provider = { name: 'moon', description: 'an import-only package', validateConfig: () => ({ ok: true, config: {} }), open() {}, capabilities: { packageInstallation: false, tags: true, maxUserDataBytes: 16384, userDataGzip: false } };\n",
    );
    // Installed but broken: its exports have no entry for the package itself.
    await cli.write('node_modules/envboot-provider-broken/package.json', JSON.stringify({ name: 'envboot-provider-broken', type: 'module', exports: { './extra': './extra.js' } }));
    await cli.write('environments.yaml', 'environments:\n  lunar: {provider: envboot-provider-moon}\n  broken: {provider: envboot-provider-broken}\n');
    const run = await cli.run(['providers']);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^envboot-provider-moon +tags, user-data ≤ 16 KiB +- +an import-only package$/m);
    assert.match(run.stdout, /^envboot-provider-broken +- +- +cannot be loaded: provider "envboot-provider-broken" is installed in .* but cannot be loaded: .*exports/m);
  });

  it('says clearly when the module is missing or does not export a provider (exit 2)', async () => {
    const cli = await cliHome('envboot-cli-ext-bad-');
    await cli.write('providers/empty.mjs', 'export const something = 1;\n');
    await cli.write('providers/half.mjs', "export default { name: 'Half Cloud', open() {} };\n");
    await cli.write('providers/flagged.mjs', "export default { name: 'flagged', description: 'd', validateConfig: () => ({ ok: true, config: {} }), open() {}, capabilities: { packageInstallation: false, tags: false, maxUserDataBytes: 1, userDataGzip: false }, placementFlags: { flags: [{ name: 'Rack' }] } };\n");
    await cli.write(
      'environments.yaml',
      'environments:\n  gone: {provider: ./providers/missing.mjs}\n  empty: {provider: ./providers/empty.mjs}\n  half: {provider: ./providers/half.mjs}\n  pkg: {provider: envboot-provider-nowhere}\n  flagged: {provider: ./providers/flagged.mjs}\n',
    );
    const expectations: [string, RegExp][] = [
      ['gone', /provider "\.\/providers\/missing\.mjs" was not found: check the path/],
      ['empty', /does not export a provider: no "provider" or default export/],
      ['half', /"name" must be lower-case letters[\s\S]*"validateConfig" must be a function[\s\S]*"capabilities" must be an object/],
      ['pkg', /provider "envboot-provider-nowhere" was not found: install it \(npm install envboot-provider-nowhere\)/],
      ['flagged', /"placementFlags\.apply" must be a function; "placementFlags\.flags\[0\]\.name" must be lower-case letters[^;]*; "placementFlags\.flags\[0\]\.help" must be/],
    ];
    for (const [name, says] of expectations) {
      const run = await cli.run(['bootstrap', name]);
      assert.equal(run.code, 2, `${name}: ${run.stderr}`);
      assert.match(run.stderr, new RegExp(`environments\\.${name}\\.provider: `), name);
      assert.match(run.stderr, says);
    }
    assert.deepEqual(cli.environmentDirs(), [], 'nothing recorded for environments that never started');
  });
});
