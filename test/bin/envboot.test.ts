import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, copyFile, mkdir, readFile, stat, symlink } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { tempDir } from '../helpers/temp-dir.js';
import { buildRoot, packageJson, repoRoot } from '../package/package-layout.js';

const run = promisify(execFile);
const launcher = path.join(repoRoot, 'bin', 'envboot');

/** A clone holding this repository's launcher and package.json, with as much of an install as `parts` says. */
async function clone(parts: { readonly built: boolean; readonly installed: boolean }, name = 'clone'): Promise<string> {
  const dir = path.join(await tempDir('envboot-launcher-'), name);
  await mkdir(path.join(dir, 'bin'), { recursive: true });
  await copyFile(path.join(repoRoot, 'package.json'), path.join(dir, 'package.json'));
  await copyFile(launcher, path.join(dir, 'bin', 'envboot'));
  await chmod(path.join(dir, 'bin', 'envboot'), 0o755);
  if (parts.installed) await symlink(path.join(repoRoot, 'node_modules'), path.join(dir, 'node_modules'));
  if (parts.built) await symlink(buildRoot.replace(/\/$/, ''), path.join(dir, 'dist'));
  return dir;
}

type Failure = { code?: number; stdout?: string; stderr?: string };

describe("bin/envboot, a clone's envboot for the PATH", () => {
  it('runs the build next to it, also through a link from another directory', async () => {
    const dir = await clone({ built: true, installed: true });
    const { version } = packageJson();
    assert.equal((await run(path.join(dir, 'bin', 'envboot'), ['--version'])).stdout.trim(), version);
    const linked = path.join(path.dirname(dir), 'local-bin');
    await mkdir(linked);
    await symlink(path.join(dir, 'bin', 'envboot'), path.join(linked, 'envboot'));
    const viaLink = await run('envboot', ['--version'], { cwd: '/', env: { ...process.env, PATH: `${linked}:${path.dirname(process.execPath)}` } });
    assert.equal(viaLink.stdout.trim(), version);
  });

  it('says what to run when the clone is not built, and builds nothing itself', async () => {
    const dir = await clone({ built: false, installed: false }, 'my clone');
    await assert.rejects(run(path.join(dir, 'bin', 'envboot'), ['status']), (error: Failure) => {
      assert.equal(error.code, 1);
      assert.equal(error.stdout, '');
      assert.match(error.stderr ?? '', /^Error: envboot is not built in .*my clone \(.*dist\/src\/cli\/main\.js is missing\)/);
      assert.ok((error.stderr ?? '').includes(`run "cd '${dir}' && npm install", then run envboot again`), error.stderr);
      return true;
    });
    assert.ok(!existsSync(path.join(dir, 'dist')) && !existsSync(path.join(dir, 'node_modules')), 'nothing was built or installed');
  });

  it('says what to run when the build is there but its dependencies are not', async () => {
    const dir = await clone({ built: true, installed: false });
    await assert.rejects(run(path.join(dir, 'bin', 'envboot'), ['--version']), (error: Failure) => {
      assert.equal(error.code, 1);
      assert.match(error.stderr ?? '', /its dependencies are not installed\): run "cd \S+ && npm install"/);
      return true;
    });
  });

  it('is an executable node script in the repository, and stays out of the package, whose bin links the build itself', async () => {
    assert.ok(((await stat(launcher)).mode & 0o111) !== 0, 'bin/envboot is executable');
    assert.match(await readFile(launcher, 'utf8'), /^#!\/usr\/bin\/env node\n/);
    const pkg = JSON.parse(await readFile(path.join(repoRoot, 'package.json'), 'utf8')) as { bin: Record<string, string>; files: string[] };
    assert.deepEqual(pkg.bin, { envboot: './dist/src/cli/main.js' });
    assert.deepEqual(pkg.files.filter((entry) => entry.startsWith('bin')), [], 'npm pack leaves the launcher out');
  });
});
