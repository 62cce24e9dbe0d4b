import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { validateLocalConfig } from '../../../../providers/local/index.js';
import { loadCloudConfigFile, loadEnvironmentsFile, type ProviderLookup } from '../../../../src/cli/config/environments-file.js';
import { type Problem, type ValidateConfigResult } from '../../../../src/index.js';
import { tempDir } from '../../../helpers/temp-dir.js';
import { configErrorFrom } from '../../../helpers/config-error-from.js';

/** `local` with its real validation, and an `ec2` that needs a region and takes nothing else. */
const localAndEc2: ProviderLookup = {
  has: (name) => name === 'local' || name === 'ec2',
  names: () => ['ec2', 'local'],
  validate: (name, options): ValidateConfigResult<unknown> => (name === 'local' ? validateLocalConfig(options) : validateEc2(options)),
};

function validateEc2(options: unknown): ValidateConfigResult<unknown> {
  const region = (options as { region?: unknown } | undefined)?.region;
  if (typeof region === 'string') return { ok: true, config: { region } };
  return { ok: false, problems: [{ path: 'region', message: 'is required, e.g. us-east-1' }] };
}

const dir = await tempDir('envboot-environments-');
let fileCount = 0;

/** Writes `text` to a new file in the test directory and returns its path. */
async function fileWith(text: string, name = `environments-${++fileCount}.yaml`): Promise<string> {
  const file = path.join(dir, name);
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, text);
  return file;
}

async function load(text: string): Promise<Awaited<ReturnType<typeof loadEnvironmentsFile>>> {
  return loadEnvironmentsFile({ path: await fileWith(text), required: true, providers: localAndEc2, homeDir: dir });
}

function problemAt(problems: readonly Problem[], at: string): Problem {
  const problem = problems.find((p) => p.path === at);
  assert.ok(problem, `no problem at ${at}; problems: ${JSON.stringify(problems)}`);
  return problem;
}

describe('loadEnvironmentsFile', () => {
  it('reads environments with options, constraints and controller cloud-config, inline or from a file', async () => {
    await fileWith('#cloud-config\nruncmd:\n  - echo from-file\n', 'conf/controller.yaml');
    await fileWith('packages: [htop]\n', 'home-controller.yaml');
    const file = await load(`
default-environment: prod
environments:
  prod:
    provider: local
    options:
      zones: [a, b]
      boot-delay: 1s
    constraints: "cores=2 mem=4G"
    controller-cloud-config: ./conf/controller.yaml
  dev:
    provider: ec2
    options: { region: eu-west-1 }
    controller-cloud-config:
      final_message: up
  home:
    provider: local
    controller-cloud-config: ~/home-controller.yaml
`);
    assert.equal(file.exists, true);
    assert.equal(file.defaultEnvironment, 'prod');
    assert.deepEqual([...file.environments.keys()], ['prod', 'dev', 'home']);
    assert.deepEqual(file.environments.get('prod'), {
      name: 'prod',
      provider: 'local',
      options: { zones: ['a', 'b'], bootDelayMs: 1000 },
      rawOptions: { zones: ['a', 'b'], 'boot-delay': '1s' },
      constraints: { cores: 2, memoryMiB: 4096 },
      expose: [],
      controllerCloudConfig: { runcmd: ['echo from-file'] },
      controllerCloudConfigSource: path.join(dir, 'conf', 'controller.yaml'),
    });
    const dev = file.environments.get('dev');
    assert.deepEqual(dev?.options, { region: 'eu-west-1' });
    assert.deepEqual(dev.controllerCloudConfig, { final_message: 'up' });
    assert.equal(dev.controllerCloudConfigSource, 'inline');
    assert.deepEqual(file.environments.get('home')?.controllerCloudConfig, { packages: ['htop'] });
  });

  it('reads controller cloud-config written as text, as Juju\'s cloudinit-userdata is', async () => {
    const file = await load('environments:\n  prod:\n    provider: local\n    controller-cloud-config: |\n      #cloud-config\n      runcmd: [ls]\n');
    assert.deepEqual(file.environments.get('prod')?.controllerCloudConfig, { runcmd: ['ls'] });
    assert.equal(file.environments.get('prod')?.controllerCloudConfigSource, 'inline');
    const error = await configErrorFrom(load('environments:\n  prod:\n    provider: local\n    controller-cloud-config: |\n      runcmd: [ls\n'));
    assert.match(
      problemAt(error.problems, 'environments.prod.controller-cloud-config').message,
      /^the cloud-config text is not valid YAML: line 2, column 1: .* \(counted from the text's first line\)$/,
    );
  });

  it('gives an environment with only a provider its defaults', async () => {
    const file = await load('environments:\n  demo:\n    provider: local\n    options:\n    constraints:\n');
    assert.deepEqual(file.environments.get('demo'), {
      name: 'demo',
      provider: 'local',
      options: { zones: ['local-a', 'local-b', 'local-c'], bootDelayMs: 0 },
      rawOptions: undefined,
      constraints: {},
      expose: [],
    });
    assert.equal(file.defaultEnvironment, undefined);
  });

  it('shares settings through YAML anchors and merge keys', async () => {
    const file = await load('environments:\n  a: &base\n    provider: local\n    constraints: cores=4\n  b:\n    <<: *base\n    constraints: cores=8\n');
    assert.deepEqual(file.environments.get('b')?.constraints, { cores: 8 });
    assert.deepEqual(file.environments.get('a')?.constraints, { cores: 4 });
  });

  for (const [name, text] of [
    ['an empty file', ''],
    ['a file of comments', '# nothing yet\n'],
    ['an empty environments section', 'environments:\n'],
  ] as const) {
    it(`reads ${name} as no environments`, async () => {
      const file = await load(text);
      assert.equal(file.exists, true);
      assert.equal(file.environments.size, 0);
    });
  }

  it('reads a missing default file as no environments', async () => {
    const missing = path.join(dir, 'nowhere', 'environments.yaml');
    const file = await loadEnvironmentsFile({ path: missing, required: false, providers: localAndEc2 });
    assert.deepEqual(file, { path: missing, exists: false, environments: new Map(), names: [], namedProviders: [] });
  });

  it('refuses a missing explicit file', async () => {
    const missing = path.join(dir, 'nowhere.yaml');
    const error = await configErrorFrom(loadEnvironmentsFile({ path: missing, required: true, providers: localAndEc2 }));
    assert.equal(error.message, `no such file: ${missing}; create it or drop --config`);
  });

  it('refuses a directory, even at the default path', async () => {
    const error = await configErrorFrom(loadEnvironmentsFile({ path: dir, required: false, providers: localAndEc2 }));
    assert.equal(error.message, `cannot read environments file ${dir}: it is a directory, not a file`);
  });

  it('refuses an unreadable file', async () => {
    const file = await fileWith('environments: {}\n');
    await chmod(file, 0o000);
    if (process.getuid?.() !== 0) {
      const error = await configErrorFrom(loadEnvironmentsFile({ path: file, required: false, providers: localAndEc2 }));
      assert.equal(error.message, `cannot read environments file ${file}: permission denied`);
      assert.ok(error.cause);
      return;
    }
    // Root reads any file: the check runs in a process of an unprivileged user instead.
    await chmod(path.dirname(file), 0o755);
    const loader = new URL('../../../../src/cli/config/environments-file.js', import.meta.url).href;
    const script = `import(${JSON.stringify(loader)}).then((m) => m.loadEnvironmentsFile({ path: ${JSON.stringify(file)}, required: false, providers: { has: () => true, names: () => [], validate: () => ({ ok: true, config: {} }) } })).then(() => console.log('read'), (e) => console.log(e.code + ' ' + e.message + ' ' + String(e.cause !== undefined)))`;
    const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], { uid: 65534, gid: 65534 });
    assert.equal(stdout.trim(), `CONFIG_INVALID cannot read environments file ${file}: permission denied true`);
  });

  const malformed: [string, string, RegExp][] = [
    ['bad indentation', 'environments:\n  prod:\n    provider: local\n   options: {}\n', /^line 4, column 4: bad indentation of a mapping entry$/],
    ['a duplicate key', 'environments:\n  prod:\n    provider: local\n    provider: ec2\n', /^line 4, column 5: duplicated mapping key provider; each key may appear once/],
    ['a duplicate environment', 'environments:\n  prod: {provider: local}\n  prod: {provider: ec2}\n', /^line 3, column 3: duplicated mapping key prod;/],
    ['a tab in the indentation', 'environments:\n\tprod: {}\n', /^line 2, column 1: .*; indent with spaces, not tabs$/],
    ['an unclosed flow list', 'environments:\n  prod:\n    provider: local\n    options: {zones: [a, b}\n', /^line 4, column 27: .*flow collection/],
    ['an unterminated string', 'default-environment: "prod\n', /^line 3, column 1: unexpected end of the stream within a double quoted scalar$/],
    ['two documents', 'environments: {}\n---\nenvironments: {}\n', /^expected a single document in the stream, but found more; this file holds one document/],
  ];
  for (const [name, text, message] of malformed) {
    it(`refuses malformed YAML: ${name}, with the line and column and never the content`, async () => {
      const file = await fileWith(`${text}# secret-marker\n`);
      const error = await configErrorFrom(loadEnvironmentsFile({ path: file, required: true, providers: localAndEc2 }));
      assert.equal(error.problems.length, 1);
      assert.match(error.message, new RegExp(`^environments file ${file} is not valid YAML:\\n  - `));
      assert.match(error.problems[0]?.message ?? '', message);
      assert.doesNotMatch(error.message, /secret-marker|\^/);
    });
  }

  const refused: [string, string, string, RegExp][] = [
    ['a list at the top level', '- prod\n', '', /^must be a mapping with the keys default-environment and environments, got a list$/],
    ['a scalar at the top level', 'prod\n', '', /got string "prod"/],
    ['an unknown top-level key', 'environment:\n  prod: {provider: local}\n', 'environment', /^unknown key; the top level has default-environment and environments; did you mean "environments"\?$/],
    ['an environment outside environments:', 'prod:\n  provider: local\n', 'prod', /This looks like an environment: move it under "environments:"/],
    ['a list of environments', 'environments:\n  - prod\n', 'environments', /must be a mapping from environment name to definition, e.g. "prod: {provider: local}", got a list/],
    ['an invalid environment name', 'environments:\n  Prod_1: {provider: local}\n', 'environments.Prod_1', /^invalid environment name: it has upper-case letters; use lower-case letters, digits and dashes/],
    ['an empty definition', 'environments:\n  prod:\n', 'environments.prod', /the definition is empty; it needs at least "provider: <name>" \(known providers: ec2, local\)/],
    ['a provider name for a definition', 'environments:\n  prod: local\n', 'environments.prod', /got string "local"; did you mean "prod: {provider: local}"\?/],
    ['an unknown environment key', 'environments:\n  prod:\n    type: local\n', 'environments.prod.type', /^unknown key; an environment has provider, options, constraints, expose, controller-cloud-config, http-proxy, https-proxy, no-proxy, apt-proxy, apt-mirror; did you mean "provider"\?$/],
    ['a misspelt environment key', 'environments:\n  prod:\n    provider: local\n    constraint: cores=2\n', 'environments.prod.constraint', /did you mean "constraints"\?/],
    ['a provider setting outside options', 'environments:\n  prod:\n    provider: local\n    zones: [a]\n', 'environments.prod.zones', /provider settings go under "options:"/],
    ['a missing provider', 'environments:\n  prod:\n    constraints: cores=2\n', 'environments.prod.provider', /^missing; name the provider this environment runs on \(known providers: ec2, local\)$/],
    ['a provider that is not a name', 'environments:\n  prod:\n    provider: [local]\n', 'environments.prod.provider', /must be a provider name \(known providers: ec2, local\), got a list/],
    ['an unknown provider', 'environments:\n  prod:\n    provider: loacl\n', 'environments.prod.provider', /^unknown provider "loacl"; did you mean "local"\?; known providers: ec2, local$/],
    ['an unknown provider far from any', 'environments:\n  prod:\n    provider: gce\n', 'environments.prod.provider', /^unknown provider "gce"; known providers: ec2, local$/],
    ['an unknown provider option', 'environments:\n  prod:\n    provider: local\n    options: {zone: [a]}\n', 'environments.prod.options.zone', /did you mean "zones"\?/],
    ['a bad provider option in a list', 'environments:\n  prod:\n    provider: local\n    options: {zones: [a, a]}\n', 'environments.prod.options.zones[1]', /listed twice/],
    ['options that are not a mapping', 'environments:\n  prod:\n    provider: local\n    options: [a]\n', 'environments.prod.options', /must be a mapping/],
    ['a missing required option', 'environments:\n  prod:\n    provider: ec2\n', 'environments.prod.options.region', /is required/],
    ['bad constraints', 'environments:\n  prod:\n    provider: local\n    constraints: cores=2 mem=4Q\n', 'environments.prod.constraints', /^"mem=4Q": not a size; write a number with an optional M, G, T or P suffix/],
    ['constraints as a mapping', 'environments:\n  prod:\n    provider: local\n    constraints: {cores: 2}\n', 'environments.prod.constraints', /must be one string of space-separated key=value constraints, e.g. "cores=2 mem=4G", got a mapping/],
    ['an inline cloud-config with an unknown key', 'environments:\n  prod:\n    provider: local\n    controller-cloud-config: {runcmd: [ls], bogus: 1}\n', 'environments.prod.controller-cloud-config.bogus', /unknown key/],
    ['an inline cloud-config with a bad entry', 'environments:\n  prod:\n    provider: local\n    controller-cloud-config:\n      write_files: [{path: etc/x}]\n', 'environments.prod.controller-cloud-config.write_files[0].path', /must be an absolute path/],
    ['a cloud-config that is a list', 'environments:\n  prod:\n    provider: local\n    controller-cloud-config: [ls]\n', 'environments.prod.controller-cloud-config', /must be a cloud-config mapping, the path of a cloud-config YAML file, or cloud-config text, got a list/],
    ['a default environment that is not defined', 'default-environment: prd\nenvironments:\n  prod: {provider: local}\n  dev: {provider: local}\n', 'default-environment', /^names "prd", which is not defined under "environments:"; did you mean "prod"\? \(defined: prod, dev\)$/],
    ['a default environment with none defined', 'default-environment: prod\n', 'default-environment', /^names "prod", but no environments are defined; define it under "environments:"$/],
    ['a default environment that is not a name', 'default-environment: [prod]\nenvironments: {prod: {provider: local}}\n', 'default-environment', /got a list/],
  ];
  for (const [name, text, at, message] of refused) {
    it(`refuses ${name}, at ${at === '' ? 'the top' : at}`, async () => {
      const error = await configErrorFrom(load(text));
      assert.match(error.message, /^environments file \/.*\.yaml has \d+ problems?:\n {2}- /);
      assert.match(problemAt(error.problems, at).message, message);
    });
  }

  it('refuses a controller cloud-config file that is missing, saying where relative paths start', async () => {
    const error = await configErrorFrom(load('environments:\n  prod:\n    provider: local\n    controller-cloud-config: missing.yaml\n'));
    assert.equal(
      problemAt(error.problems, 'environments.prod.controller-cloud-config').message,
      `no such file: ${path.join(dir, 'missing.yaml')} (a relative path is resolved from ${dir}, the environments file's directory)`,
    );
  });

  it('refuses a controller cloud-config file that is malformed or invalid, naming it', async () => {
    const broken = await fileWith('runcmd: [ls\n', 'broken-cc.yaml');
    const invalid = await fileWith('#cloud-config\nwrite_files:\n  - path: /etc/x\n    permissions: 0644\n', 'invalid-cc.yaml');
    const error = await configErrorFrom(
      load(`environments:\n  a:\n    provider: local\n    controller-cloud-config: ${broken}\n  b:\n    provider: local\n    controller-cloud-config: ./invalid-cc.yaml\n`),
    );
    assert.match(problemAt(error.problems, 'environments.a.controller-cloud-config').message, new RegExp(`^${broken} is not valid YAML: line 2, column 1: `));
    assert.match(
      problemAt(error.problems, 'environments.b.controller-cloud-config').message,
      new RegExp(`^in ${invalid}: write_files\\[0\\]\\.permissions: must be an octal string like "0644", got number 644 \\(quote it`),
    );
  });

  it('reports every problem of the whole file at once, in file order', async () => {
    const error = await configErrorFrom(
      load(`
default-environment: nope
extra: 1
environments:
  Bad: {provider: local}
  prod:
    provider: gce
    constraints: cores=0
  dev:
    provider: local
    options: {boot-delay: soon}
    controller-cloud-config: {bogus: 1}
`),
    );
    assert.deepEqual(
      error.problems.map((p) => p.path),
      [
        'extra',
        'environments.Bad',
        'environments.prod.provider',
        'environments.prod.constraints',
        'environments.dev.options.boot-delay',
        'environments.dev.controller-cloud-config.bogus',
        'default-environment',
      ],
    );
    assert.match(error.message, /^environments file .* has 7 problems:\n {2}- extra: unknown key/);
  });
});

describe('loadCloudConfigFile', () => {
  it('reads a cloud-config file, with or without the #cloud-config line', async () => {
    assert.deepEqual(await loadCloudConfigFile(await fileWith('#cloud-config\nruncmd: [ls]\n')), { runcmd: ['ls'] });
    assert.deepEqual(await loadCloudConfigFile(await fileWith('packages: [htop]\n')), { packages: ['htop'] });
    assert.deepEqual(await loadCloudConfigFile(await fileWith('#cloud-config\n')), {});
  });

  const refused: [string, string, (file: string) => RegExp][] = [
    ['malformed YAML', 'runcmd:\n  - [ls\n', (file) => new RegExp(`^cloud-config file ${file} is not valid YAML:\\n  - line 3, column 1: `)],
    ['a script', '#!/bin/sh\necho hi\n', (file) => new RegExp(`^cloud-config file ${file} is not a cloud-config:\\n  - .*got string "echo hi"; this looks like a script`)],
    ['a list', '- runcmd\n', (file) => new RegExp(`^cloud-config file ${file} is not a cloud-config:\\n  - .*got a list$`)],
    [
      'invalid keys and values',
      'runcmd: ls\nbogus: 1\n',
      (file) => new RegExp(`^cloud-config file ${file} has 2 problems:\\n  - bogus: unknown key.*\\n  - runcmd: must be a list`),
    ],
  ];
  for (const [name, text, message] of refused) {
    it(`refuses ${name}, naming the file`, async () => {
      const file = await fileWith(text);
      const error = await configErrorFrom(loadCloudConfigFile(file));
      assert.match(error.message, message(file));
    });
  }

  it('refuses a missing file and a directory', async () => {
    const missing = path.join(dir, 'no-cloud-config.yaml');
    assert.equal((await configErrorFrom(loadCloudConfigFile(missing))).message, `no such file: ${missing}`);
    assert.equal((await configErrorFrom(loadCloudConfigFile(dir))).message, `cannot read cloud-config file ${dir}: it is a directory, not a file`);
  });
});

describe('loadEnvironmentsFile for one environment', () => {
  it('checks only the environment asked for, and lists every name', async () => {
    const dir = await tempDir();
    const file = path.join(dir, 'environments.yaml');
    await writeFile(file, 'environments:\n  good:\n    provider: local\n  broken:\n    provider: local\n    controller-cloud-config: ./missing.yaml\n    colour: red\n');
    const only = await loadEnvironmentsFile({ path: file, required: true, providers: localAndEc2, only: 'good' });
    assert.deepEqual([...only.environments.keys()], ['good']);
    assert.deepEqual(only.names, ['good', 'broken']);
    await assert.rejects(loadEnvironmentsFile({ path: file, required: true, providers: localAndEc2 }), /environments\.broken\.colour/);
  });

  it('leaves controller-cloud-config files unread when asked to (only bootstrap needs them)', async () => {
    const dir = await tempDir();
    const file = path.join(dir, 'environments.yaml');
    await writeFile(file, 'environments:\n  prod:\n    provider: local\n    controller-cloud-config: ./missing.yaml\n');
    const loaded = await loadEnvironmentsFile({ path: file, required: true, providers: localAndEc2, only: 'prod', loadCloudConfig: false });
    assert.equal(loaded.environments.get('prod')?.controllerCloudConfig, undefined);
    await assert.rejects(loadEnvironmentsFile({ path: file, required: true, providers: localAndEc2, only: 'prod' }), /missing\.yaml/);
  });
});
