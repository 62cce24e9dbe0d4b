import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmod, copyFile, mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { stripVTControlCharacters } from 'node:util';
import { quote } from '../../cloudinit/script/shell-quote.js';
import { requireTool } from '../helpers/require-tool.js';
import { buildRoot, repoRoot } from '../package/package-layout.js';
import { collect } from '../src/cli/cli-harness.js';
import { nextCommands, quickStart } from './quick-start-readme.js';

/** A shell typed into on a terminal (util-linux `script`), as an operator types: where, with which PATH, what they answer. */
interface Typing {
  readonly script: string;
  readonly env: NodeJS.ProcessEnv;
}

interface Typed {
  readonly code: number | null;
  /** What the terminal showed, without escape sequences and carriage returns. */
  readonly output: string;
}

async function typed(typing: Typing, command: string, at: { cwd: string; path: string }): Promise<Typed> {
  // What the operator types at the prompts: `exit` in the machine's shell, `y` to destroy.
  const input = /\bssh\b/.test(command) ? 'exit\n' : /\bdestroy\b/.test(command) && !command.includes('--yes') ? 'y\n' : '';
  const child = spawn(typing.script, ['-qec', `sh -c ${quote(command)}`, '/dev/null'], { cwd: at.cwd, env: { ...typing.env, PATH: at.path }, stdio: 'pipe' });
  child.stdin.end(input);
  const run = await collect(child, 120_000);
  return { code: run.code, output: stripVTControlCharacters(run.stdout + run.stderr).replaceAll('\r', '') };
}

function assertRan(ran: Typed, command: string, where: string): void {
  assert.equal(ran.code, 0, `"${command}" (typed ${where}) failed:\n${ran.output}`);
}

/**
 * A clone as `npm install` leaves it, holding the build under test: the launcher and
 * package.json of this repository, its node_modules, and the build as dist/.
 */
async function cloneOfBuild(root: string): Promise<string> {
  // A space in its path: the commands envboot suggests must quote it.
  const clone = path.join(root, 'my clone');
  await mkdir(path.join(clone, 'bin'), { recursive: true });
  await copyFile(path.join(repoRoot, 'package.json'), path.join(clone, 'package.json'));
  await copyFile(path.join(repoRoot, 'bin', 'envboot'), path.join(clone, 'bin', 'envboot'));
  await chmod(path.join(clone, 'bin', 'envboot'), 0o755);
  await symlink(path.join(repoRoot, 'node_modules'), path.join(clone, 'node_modules'));
  await symlink(buildRoot.replace(/\/$/, ''), path.join(clone, 'dist'));
  return clone;
}

describe("README.md's quick start, typed by a new operator", () => {
  it('works as printed in the clone and elsewhere, and so does every command envboot suggests: no registry, no npm cache, no rebuild', async (t) => {
    const script = requireTool(t, 'script', 'the commands are typed on a terminal, as an operator types them');
    if (script === undefined) return;
    const readme = quickStart(await readFile(path.join(repoRoot, 'README.md'), 'utf8'));
    const root = await mkdtemp(path.join(tmpdir(), 'envboot-quick-start-'));
    const home = path.join(root, 'home');
    const cache = path.join(root, 'npm-cache');
    const elsewhere = path.join(root, 'elsewhere');
    const npmCalls = path.join(root, 'npm-calls');
    const stubs = path.join(root, 'npm-stub');
    for (const dir of [home, cache, elsewhere, stubs]) await mkdir(dir, { recursive: true });
    const clone = await cloneOfBuild(root);
    // `npm install` stands in for itself: the tree under test is installed and built already, and a
    // real install would build it again (package.json's prepare). The stub records that it was typed.
    await writeFile(path.join(stubs, 'npm'), `#!/bin/sh\nprintf '%s %s\\n' "$PWD" "$*" >> ${quote(npmCalls)}\n`, { mode: 0o755 });
    const system = [path.dirname(process.execPath), '/usr/local/bin', '/usr/bin', '/bin'].join(path.delimiter);
    const typing: Typing = {
      script,
      // A clean shell: a fresh home, an empty npm cache, and no registry to reach, should anything ask one.
      env: {
        HOME: home,
        SHELL: '/bin/sh',
        TERM: 'xterm',
        NO_COLOR: '1',
        npm_config_cache: cache,
        npm_config_registry: 'http://127.0.0.1:9/',
        npm_config_offline: 'true',
        ...(process.env['TMPDIR'] === undefined ? {} : { TMPDIR: process.env['TMPDIR'] }),
      },
    };
    t.after(async () => {
      // Whatever step failed, the environment goes, and then the files.
      const destroy = spawn(process.execPath, [path.join(buildRoot, 'src', 'cli', 'main.js'), 'destroy', 'demo', '--yes'], { env: { ...typing.env, PATH: system } });
      await collect(destroy, 60_000).catch(() => undefined);
      await rm(root, { recursive: true, force: true, maxRetries: 3 });
    });
    const built = path.join(buildRoot, 'src', 'cli', 'main.js');
    const builtAt = (await stat(built)).mtimeMs;

    // 1. The first block in the clone, in one shell: set-up, then bootstrap.
    const pathFile = path.join(root, 'path-after-set-up');
    const first = await typed(typing, ['set -e', ...readme.inClone, `printf '%s' "$PATH" > ${quote(pathFile)}`].join('\n'), { cwd: clone, path: `${stubs}:${system}` });
    assertRan(first, readme.inClone.join('; '), 'in the clone');
    assert.match(first.output, /Bootstrapped environment "demo"/);
    assert.equal(await readFile(npmCalls, 'utf8'), `${clone} install\n`, 'npm install ran once, in the clone');
    const shellPath = await readFile(pathFile, 'utf8');
    assert.ok(shellPath.startsWith(`${clone}/bin:`), `the set-up put the clone's bin/ first on the PATH: ${shellPath}`);
    const hinted = nextCommands(first.output);
    assert.ok(hinted.length >= 4 && hinted.every((command) => command.startsWith('envboot ')), `hints name envboot: ${hinted.join(' | ')}`);

    // 2. The second block, typed in another directory of that shell; it ends with destroy.
    for (const command of readme.anywhere) assertRan(await typed(typing, command, { cwd: elsewhere, path: shellPath }), command, 'elsewhere');

    // 3. A new shell after the link that keeps envboot: bootstrap elsewhere, then every command it suggests, as printed.
    assertRan(await typed(typing, readme.permanent, { cwd: clone, path: system }), readme.permanent, 'in the clone');
    const linkedPath = `${home}/.local/bin:${system}`;
    const bootstrapLine = readme.inClone.find((line) => line.startsWith('envboot bootstrap '));
    assert.ok(bootstrapLine !== undefined, 'the first block bootstraps with envboot');
    const again = await typed(typing, bootstrapLine, { cwd: elsewhere, path: linkedPath });
    assertRan(again, bootstrapLine, 'elsewhere, in a new shell');
    assert.deepEqual(nextCommands(again.output), hinted);
    for (const command of hinted) assertRan(await typed(typing, command, { cwd: elsewhere, path: linkedPath }), command, 'elsewhere, as suggested');

    // 4. No PATH set up: ./bin/envboot in the clone; its suggestions name it by its full path and work anywhere.
    assert.ok(readme.mentionsLauncher, 'the quick start offers ./bin/envboot');
    const launcherLine = bootstrapLine.replace(/^envboot /, './bin/envboot ');
    const direct = await typed(typing, launcherLine, { cwd: clone, path: system });
    assertRan(direct, launcherLine, 'in the clone, PATH untouched');
    const suggested = nextCommands(direct.output);
    assert.deepEqual(suggested, hinted.map((command) => command.replace(/^envboot /, `${quote(`${clone}/bin/envboot`)} `)));
    for (const command of suggested) assertRan(await typed(typing, command, { cwd: elsewhere, path: system }), command, 'elsewhere, PATH untouched');

    assert.deepEqual(await readdir(cache), [], 'nothing wrote into the npm cache (no npx, no npm)');
    assert.equal((await stat(built)).mtimeMs, builtAt, 'the build was not rebuilt');
    assert.equal(await readFile(npmCalls, 'utf8'), `${clone} install\n`, 'npm ran only where the README types it');
  });
});
