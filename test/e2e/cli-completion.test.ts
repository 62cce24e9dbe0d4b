import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { newEnvironmentRecord, writeEnvironmentRecord } from '../../src/cli/records/environment-record.js';
import { writeMachineCache, type CachedMachine } from '../../src/cli/records/machine-cache.js';
import { bashCompletions, fishCompletions, zshCompletions, type ShellSetup } from '../helpers/completion-shells.js';
import { requireTool } from '../helpers/require-tool.js';
import { cliHome, cliPath, type CliHome } from '../src/cli/cli-harness.js';

const run = promisify(execFile);

const environmentsYaml = `default-environment: prod
environments:
  prod: { provider: ec2, options: { region: eu-west-1 } }
  staging: {}
  "bad name": {}
`;

const machine = (id: string, instanceId: string): CachedMachine => ({ id, instanceId, status: 'running', zone: 'local-a', addresses: [] });

/**
 * A client home as a user's looks after some work: environments.yaml, a recorded local
 * environment `demo` with machines 0-2 in its cache, damaged records of `broken`, a
 * working directory with a space in its name, and `envboot` on PATH.
 */
async function preparedHome(): Promise<{ cli: CliHome; env: NodeJS.ProcessEnv }> {
  const cli = await cliHome('envboot-completion-');
  await cli.write('environments.yaml', environmentsYaml);
  await writeEnvironmentRecord(cli.environmentDir('demo'), newEnvironmentRecord({ name: 'demo', provider: 'local' }));
  await writeMachineCache(cli.environmentDir('demo'), [machine('0', 'local-aaa'), machine('1', 'local-bbb'), machine('2', 'local-ccc')]);
  await cli.write('data/environments/broken/environment.json', '{"name": ');
  await cli.write('data/environments/broken/machines.json', 'not json');
  await cli.write('work dir/my file.yaml', 'environments: {}\n');
  await cli.write('work dir/other.yaml', '');
  await cli.write('broken.yaml', 'environments:\n  x: [\n');
  await mkdir(path.join(cli.home, 'logs'));
  const bin = path.join(cli.home, 'shell-bin');
  await mkdir(bin);
  await writeFile(path.join(bin, 'envboot'), `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(cliPath)} "$@"\n`);
  await chmod(path.join(bin, 'envboot'), 0o755);
  const env = { ...process.env, ENVBOOT_HOME: cli.home, HOME: cli.home, PATH: `${bin}:${process.env['PATH'] ?? ''}` };
  return { cli, env };
}

async function scriptFor(cli: CliHome, env: NodeJS.ProcessEnv, shell: string): Promise<ShellSetup> {
  const printed = await cli.run(['completion', shell]);
  assert.equal(printed.code, 0, printed.stderr);
  const dir = path.join(cli.home, `completion-${shell}`);
  await mkdir(dir);
  const script = path.join(dir, `envboot.${shell}`);
  await writeFile(script, printed.stdout);
  return { script, env, cwd: cli.home };
}

// Made once for the file (removed when its tests end): every test reads it, none changes it.
const { cli, env } = await preparedHome();

describe('shell completion', () => {

  it('completes commands, flags, environment names, machine ids and file names in bash', async (t) => {
    if (requireTool(t, 'bash', 'the bash completion script runs in it') === undefined) return;
    const setup = await scriptFor(cli, env, 'bash');
    const offered = (...words: string[]) => bashCompletions(setup, words);
    assert.deepEqual(await offered('envboot', 'st'), ['status']);
    assert.deepEqual(await offered('envboot', 'bootstrap', '--dr'), ['--dry-run']);
    assert.deepEqual(await offered('envboot', 'status', '--js'), ['--json']);
    assert.deepEqual(await offered('envboot', 'status', ''), ['demo', 'prod', 'staging'], 'environments.yaml and records; invalid names left out');
    assert.deepEqual(await offered('envboot', 'exec', 'demo', ''), ['0', '1', '2']);
    assert.deepEqual(await offered('envboot', 'remove-machine', 'demo', '1', ''), ['0', '2'], 'an id given is not offered again');
    assert.deepEqual(await offered('envboot', 'exec', 'demo', '0', '--', ''), [], 'the remote command is not completed locally');
    assert.deepEqual(await offered('envboot', 'exec', 'broken', ''), [], 'a damaged machine cache offers nothing');
    assert.deepEqual(await offered('envboot', 'completion', ''), ['bash', 'zsh', 'fish']);
    assert.deepEqual(await offered('envboot', '--config', 'work\\ dir/m'), ['work dir/my file.yaml']);
    assert.deepEqual((await offered('envboot', '--config', '"work dir/')).sort(), ['work dir/my file.yaml', 'work dir/other.yaml']);
    assert.deepEqual(await offered('envboot', '--config', '=', 'wo'), ['work dir'], 'bash splits --config=wo at =');
    assert.deepEqual(await offered('envboot', '--config', 'broken.yaml', 'status', ''), ['demo'], 'a broken environments.yaml gives no names, not an error');
    const dirs = await offered('envboot', 'logs', 'demo', '0', '--output', '');
    assert.ok(dirs.includes('logs') && dirs.includes('work dir') && !dirs.includes('environments.yaml'), dirs.join(', '));
  });

  it('completes them in zsh, through compsys', async (t) => {
    if (requireTool(t, 'zsh', 'the zsh completion script runs in it') === undefined) return;
    const setup = await scriptFor(cli, env, 'zsh');
    const offered = (line: string) => zshCompletions(setup, line);
    assert.deepEqual(await offered('envboot st'), ['status']);
    assert.deepEqual(await offered('envboot bootstrap --dr'), ['--dry-run']);
    assert.deepEqual(await offered('envboot status '), ['demo', 'prod', 'staging']);
    assert.deepEqual(await offered('envboot exec demo '), ['0', '1', '2']);
    assert.deepEqual(await offered('envboot ssh demo 2 -- '), []);
    assert.deepEqual(await offered('envboot completion '), ['bash', 'zsh', 'fish']);
    assert.deepEqual(await offered('envboot --config work\\ dir/m'), ['my\\ file.yaml'], 'inserted quoted, after what was typed');
    assert.deepEqual(await offered('envboot --config=wo'), ['--config=work\\ dir']);
    assert.deepEqual(await offered('envboot --config broken.yaml status '), ['demo']);
  });

  it('completes them in fish, with notes', async (t) => {
    if (requireTool(t, 'fish', 'the fish completion script runs in it') === undefined) return;
    const setup = await scriptFor(cli, env, 'fish');
    const offered = (line: string) => fishCompletions(setup, line);
    const words = async (line: string) => (await offered(line)).map((entry) => entry.split('\t')[0]);
    assert.match((await offered('envboot st')).join('\n'), /^status\tshow an environment's machines/);
    assert.deepEqual(await words('envboot bootstrap --dr'), ['--dry-run']);
    assert.deepEqual(await offered('envboot status '), ['demo\tlocal', 'prod\tec2, default', 'staging']);
    assert.deepEqual(await words('envboot exec demo '), ['0', '1', '2']);
    assert.match((await offered('envboot exec demo ')).join('\n'), /^0\tcontroller local-aaa running in local-a$/m);
    assert.deepEqual(await words('envboot exec demo 0 -- '), []);
    assert.deepEqual(await offered('envboot --config work\\ dir/m'), ['work dir/my file.yaml']);
    assert.deepEqual(await offered("envboot --config 'work dir/o"), ['work dir/other.yaml']);
    assert.deepEqual(await offered('envboot --config=wo'), ['--config=work dir/']);
    assert.deepEqual(await offered('envboot --config ~/wo'), ['~/work dir/']);
    assert.deepEqual(await words('envboot --config broken.yaml status '), ['demo']);
  });

  it('answers __complete quietly with exit 0 whatever the words, and from local files only', async () => {
    const complete = (...args: string[]) => run(process.execPath, [cliPath, '__complete', ...args], { env });
    for (const args of [[], ['--'], ['--', 'x'], ['--', '9', 'envboot'], ['--', '1', 'envboot', '--help'], ['--', '2', 'envboot', 'status', '--version']]) {
      const { stdout, stderr } = await complete(...args);
      assert.equal(stderr, '', args.join(' '));
      assert.match(stdout, /^words\n/, args.join(' '));
    }
    const status = await complete('--', '2', 'envboot', 'status', '');
    assert.equal(status.stdout, 'words\ndemo\tlocal\nprod\tec2, default\nstaging\n');
    // Machine ids come from provider-state through the cache: only real ids reach the shell, which may insert them unquoted.
    await cli.write('data/environments/odd/machines.json', JSON.stringify({ updatedAt: '2026-01-01T00:00:00Z', machines: [{ id: '$(touch pwned)' }, { id: '`id`' }, { id: '1;ls' }, { id: 7 }, { id: '3', instanceId: 'i-3' }] }));
    const odd = await complete('--', '3', 'envboot', 'exec', 'odd', '');
    assert.equal(odd.stdout, 'words\n3\ti-3\n');
    const hooks = fileURLToPath(new URL('../helpers/record-imports.js', import.meta.url));
    const cases: [string[], RegExp][] = [
      [['--', '2', 'envboot', 'status', ''], /node_modules\/(ssh2|winston|@aws-sdk|proper-lockfile)\/|\/providers\//],
      [['--', '3', 'envboot', 'exec', 'demo', ''], /node_modules\/(ssh2|winston|@aws-sdk|proper-lockfile)\/|\/providers\//],
      [['--', '2', 'envboot', 'bootstrap', '--'], /node_modules\/(ssh2|winston|@aws-sdk|proper-lockfile)\//],
    ];
    for (const [index, [args, heavy]] of cases.entries()) {
      const file = path.join(cli.home, `imports-${index}.txt`);
      await run(process.execPath, ['--import', hooks, cliPath, '__complete', ...args], { env: { ...env, ENVBOOT_TEST_IMPORTS_FILE: file } });
      const loaded = await readFile(file, 'utf8');
      assert.match(loaded, /completion\/complete-line\.js/, 'the recorder saw the imports');
      assert.doesNotMatch(loaded, heavy, args.join(' '));
    }
  });

  it('prints a script per shell, with how to install it in the help; an unknown shell is exit 2 naming the shells', async () => {
    for (const [shell, mark] of [['bash', /complete -F _envboot_complete envboot/], ['zsh', /^#compdef envboot/], ['fish', /complete -c envboot /]] as const) {
      const printed = await cli.run(['completion', shell]);
      assert.equal(printed.code, 0, printed.stderr);
      assert.match(printed.stdout, mark);
      assert.match(printed.stdout, /__complete --/);
    }
    const help = await cli.run(['completion', '--help']);
    assert.match(help.stdout, /source <\(envboot completion bash\)/);
    assert.match(help.stdout, /~\/\.local\/share\/bash-completion\/completions\/envboot/);
    assert.match(help.stdout, /_envboot .*fpath/);
    assert.match(help.stdout, /~\/\.config\/fish\/completions\/envboot\.fish/);
    for (const args of [['completion', 'tcsh'], ['completion']]) {
      const refused = await cli.run(args);
      assert.equal(refused.code, 2, args.join(' '));
      assert.equal(refused.stdout, '');
      assert.match(refused.stderr, /bash, zsh, fish|'shell'/, args.join(' '));
    }
  });
});
