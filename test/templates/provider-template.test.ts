import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, readFile, writeFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { requireTool } from '../helpers/require-tool.js';
import { tempDir } from '../helpers/temp-dir.js';
import { buildRoot, packageJson, repoRoot } from '../package/package-layout.js';

interface Run {
  readonly status: number | null;
  readonly stdout: string;
  /** Standard output and error, interleaved. */
  readonly output: string;
}

/**
 * The environment for npm: the runner's (HOME is a temporary one), with npm's cache of the
 * user running the tests, so that envboot's dependencies and TypeScript come from it and the
 * registry is asked only for what it lacks; and without the test runner's own variables,
 * which would make the template's `node --test` report to this runner instead of printing.
 */
function npmEnvironment(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, npm_config_cache: process.env['npm_config_cache'] ?? path.join(userInfo().homedir, '.npm') };
  delete env['NODE_TEST_CONTEXT'];
  return env;
}

function run(command: string, args: readonly string[], cwd: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env: npmEnvironment(), stdio: ['ignore', 'pipe', 'pipe'], timeout: 5 * 60_000 });
    let stdout = '';
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      output += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', reject);
    child.once('close', (status) => { resolve({ status, stdout, output }); });
  });
}

function tail(text: string, lines = 60): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

/**
 * The package as `npm pack` makes it from this build: package.json, and what its `files`
 * list, the `dist/` entries taken from the build this test runs from (dist, or
 * ENVBOOT_BUILD_DIR), the others from the repository. Returns the tarball's path.
 */
async function packEnvboot(dir: string): Promise<{ tarball: string; files: string[] }> {
  const stage = path.join(dir, 'stage');
  await mkdir(stage);
  await cp(path.join(repoRoot, 'package.json'), path.join(stage, 'package.json'));
  for (const entry of packageJson().files.filter((file) => !file.startsWith('!'))) {
    const from = entry.startsWith('dist/') ? path.join(buildRoot, entry.slice('dist/'.length)) : path.join(repoRoot, entry);
    // A template someone ran in place has node_modules and dist: never copied, as npm leaves them out.
    await cp(from, path.join(stage, entry), { recursive: true, filter: (source) => !/[/\\](node_modules|dist)$/.test(path.relative(from, source)) });
  }
  const packed = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], stage);
  assert.equal(packed.status, 0, `npm pack failed:\n${tail(packed.output)}`);
  const [manifest] = JSON.parse(packed.stdout) as { filename: string; files: { path: string }[] }[];
  assert.ok(manifest !== undefined, 'npm pack described no package');
  return { tarball: path.join(dir, manifest.filename), files: manifest.files.map((file) => file.path) };
}

describe('the provider template (templates/provider)', () => {
  it('ships in the package, and passes its own conformance test from a fresh copy with envboot installed from npm pack', { timeout: 10 * 60_000 }, async (t) => {
    for (const tool of ['npm', 'tar']) if (requireTool(t, tool, 'the template is installed as a user would') === undefined) return;
    const dir = await tempDir('envboot-template-');
    const { tarball, files } = await packEnvboot(dir);
    for (const file of ['package.json', 'tsconfig.json', 'src/provider.ts', 'src/environ.ts', 'src/cloud.ts', 'test/conformance.test.ts']) {
      assert.ok(files.includes(`templates/provider/${file}`), `the package lacks templates/provider/${file}`);
    }

    // The copy a user makes: from the installed package, not from this repository.
    const unpacked = path.join(dir, 'unpacked');
    await mkdir(unpacked);
    const extracted = await run('tar', ['-xzf', tarball, '-C', unpacked], dir);
    assert.equal(extracted.status, 0, extracted.output);
    const project = path.join(dir, 'envboot-provider-mycloud');
    await cp(path.join(unpacked, 'package', 'templates', 'provider'), project, { recursive: true });
    const manifestFile = path.join(project, 'package.json');
    const manifest = JSON.parse(await readFile(manifestFile, 'utf8')) as { devDependencies: Record<string, string>; peerDependencies: Record<string, string> };
    // The template asks for the envboot it ships in: on 0.x, ^0.1.0 means 0.1.x only.
    const version = packageJson().version;
    assert.equal(manifest.peerDependencies['envboot'], `^${version}`, 'the template\'s peer range is not this envboot\'s version');
    assert.equal(manifest.devDependencies['envboot'], `^${version}`, 'the template\'s dev range is not this envboot\'s version');
    // envboot from this build's tarball instead of the registry: nothing else changes.
    manifest.devDependencies['envboot'] = `file:${tarball}`;
    await writeFile(manifestFile, JSON.stringify(manifest, null, 2));

    const installed = await run('npm', ['install', '--prefer-offline', '--ignore-scripts', '--no-audit', '--no-fund'], project);
    assert.equal(installed.status, 0, `npm install failed:\n${tail(installed.output)}`);
    const tested = await run('npm', ['test'], project);
    assert.equal(tested.status, 0, `npm test failed in the template:\n${tail(tested.output)}`);
    const passed = Number(/^# pass (\d+)$/m.exec(tested.output)?.[1] ?? 0);
    assert.match(tested.output, /^ok \d+ - provider conformance: mycloud$/m, tail(tested.output));
    assert.match(tested.output, /^# fail 0$/m);
    assert.ok(passed >= 10, `only ${passed} checks passed:\n${tail(tested.output)}`);

    // The AWS SDK is an optional peer dependency: a provider package gets none of it, and
    // the ec2 provider says how to install it when an environment needs it.
    assert.equal(existsSync(path.join(project, 'node_modules', '@aws-sdk')), false, 'installing envboot pulled in the AWS SDK');
    const home = path.join(dir, 'home');
    await mkdir(home);
    await writeFile(path.join(home, 'environments.yaml'), 'environments:\n  cloud: {provider: ec2, options: {region: us-east-1, bucket: envboot-template-test}}\n');
    const cli = path.join(project, 'node_modules', 'envboot', 'dist', 'src', 'cli', 'main.js');
    const ec2 = spawnSync(process.execPath, [cli, 'bootstrap', 'cloud'], { cwd: project, env: { ...npmEnvironment(), ENVBOOT_HOME: home, HOME: home }, encoding: 'utf8', timeout: 60_000 });
    assert.equal(ec2.status, 2, `${ec2.stdout}${ec2.stderr}`);
    assert.match(ec2.stderr, /the ec2 provider needs the AWS SDK for JavaScript v3, and @aws-sdk\/client-[a-z0-9]+ is not installed: run `npm install @aws-sdk\/client-ec2@3 @aws-sdk\/client-s3@3`/);
  });
});
