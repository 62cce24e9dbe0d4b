import assert from 'node:assert/strict';
import { chmod, mkdir, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { findOnPath, invocationName } from '../../../src/cli/invocation-name.js';
import { tempDir } from '../../helpers/temp-dir.js';

/**
 * Two installs side by side, as on an operator's machine: a checkout with its launcher,
 * linked from a bin directory the way the quick start says, and another install whose
 * `envboot` is a different file.
 */
interface Installs {
  readonly root: string;
  /** checkout/bin/envboot: the launcher, executable. */
  readonly launcher: string;
  /** checkout/dist/src/cli/main.js: executable, as the build leaves it. */
  readonly main: string;
  /** local/bin: `envboot` there links to the launcher (`ln -s "$PWD/bin/envboot" ~/.local/bin/`). */
  readonly linkedBin: string;
  /** other/bin: `envboot` there is another install's. */
  readonly otherBin: string;
  /** plain/bin: `envboot` there is a file that is not executable, which the shell skips. */
  readonly plainBin: string;
}

async function executable(file: string, mode = 0o755): Promise<string> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, '#!/usr/bin/env node\n');
  await chmod(file, mode);
  return file;
}

async function installs(): Promise<Installs> {
  const root = await tempDir('envboot-invocation-');
  const launcher = await executable(path.join(root, 'checkout', 'bin', 'envboot'));
  const main = await executable(path.join(root, 'checkout', 'dist', 'src', 'cli', 'main.js'));
  const linkedBin = path.join(root, 'local', 'bin');
  await mkdir(linkedBin, { recursive: true });
  await symlink(launcher, path.join(linkedBin, 'envboot'));
  const otherBin = path.dirname(await executable(path.join(root, 'other', 'bin', 'envboot')));
  const plainBin = path.dirname(await executable(path.join(root, 'plain', 'bin', 'envboot'), 0o644));
  return { root, launcher, main, linkedBin, otherBin, plainBin };
}

const at = await installs();

describe('invocationName: how hints name this envboot', () => {
  const system = '/usr/local/bin:/usr/bin:/bin';

  it('is envboot when the envboot on the PATH is this launcher (the quick start: export PATH="$PWD/bin:$PATH")', () => {
    const name = invocationName({ script: at.launcher, path: `${path.dirname(at.launcher)}:${system}`, cwd: at.root });
    assert.equal(name, 'envboot');
  });

  it('is envboot when the PATH reaches this launcher through a link, whichever way it was called', () => {
    const path_ = `${at.linkedBin}:${system}`;
    assert.equal(invocationName({ script: path.join(at.linkedBin, 'envboot'), path: path_, cwd: at.root }), 'envboot');
    assert.equal(invocationName({ script: at.launcher, path: path_, cwd: at.root }), 'envboot');
  });

  it('is the invoked path when the envboot on the PATH is another install, even one later on the PATH would be this one', () => {
    const name = invocationName({ script: at.launcher, path: `${at.otherBin}:${path.dirname(at.launcher)}`, cwd: at.root });
    assert.equal(name, at.launcher);
  });

  it('is the invoked path, made absolute, when no envboot is on the PATH (./bin/envboot from the checkout)', () => {
    const cwd = path.join(at.root, 'checkout');
    assert.equal(invocationName({ script: './bin/envboot', path: system, cwd }), at.launcher);
    assert.equal(invocationName({ script: at.launcher, path: undefined, cwd }), at.launcher);
  });

  it('skips an envboot on the PATH that is not executable, as the shell does', () => {
    assert.equal(invocationName({ script: at.launcher, path: `${at.plainBin}:${at.linkedBin}`, cwd: at.root }), 'envboot');
    assert.equal(invocationName({ script: at.launcher, path: at.plainBin, cwd: at.root }), at.launcher);
  });

  it('reads an empty PATH entry as the current directory', () => {
    const cwd = path.dirname(at.launcher);
    assert.equal(invocationName({ script: at.launcher, path: `${system}:`, cwd }), 'envboot');
    assert.equal(invocationName({ script: at.launcher, path: system, cwd }), at.launcher);
  });

  it('runs the build itself as its path (it is executable), and through node when it is not', async () => {
    assert.equal(invocationName({ script: at.main, path: system, cwd: at.root }), at.main);
    const notExecutable = await executable(path.join(at.root, 'copy', 'main.js'), 0o644);
    assert.equal(invocationName({ script: notExecutable, path: system, cwd: at.root }), `node ${notExecutable}`);
  });

  it('quotes a path the shell would split or expand', async () => {
    const spaced = await executable(path.join(at.root, 'my tools', "o'brien", 'bin', 'envboot'));
    const expected = `'${path.join(at.root, 'my tools', "o'\\''brien", 'bin', 'envboot')}'`;
    assert.equal(invocationName({ script: spaced, path: system, cwd: at.root }), expected);
    const dollar = await executable(path.join(at.root, '$HOME', 'envboot'));
    assert.equal(invocationName({ script: dollar, path: system, cwd: at.root }), `'${dollar}'`);
  });

  it('is envboot when node ran no script (no argv[1])', () => {
    assert.equal(invocationName({ script: undefined, path: system, cwd: at.root }), 'envboot');
  });

  it('finds the first executable envboot on the PATH, or none', () => {
    assert.equal(findOnPath({ command: 'envboot', path: `${at.plainBin}:${at.otherBin}:${at.linkedBin}`, cwd: at.root }), path.join(at.otherBin, 'envboot'));
    assert.equal(findOnPath({ command: 'envboot', path: system, cwd: at.root }), undefined);
    assert.equal(findOnPath({ command: 'envboot', path: undefined, cwd: path.dirname(at.launcher) }), undefined);
  });
});
