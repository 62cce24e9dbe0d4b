import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import ts from 'typescript';
import { tempDir } from '../helpers/temp-dir.js';
import { buildRoot, entryPoints, repoRoot } from './package-layout.js';

const run = promisify(execFile);

/** The TypeScript sources under `dir` (a folder of the repository). */
function sourcesUnder(dir: string): string[] {
  return readdirSync(path.join(repoRoot, dir), { recursive: true })
    .map(String)
    .filter((file) => /\.(ts|mts)$/.test(file) && !file.endsWith('.d.ts'))
    .map((file) => path.join(dir, file));
}

/** `providers/ec2` for `providers/ec2/config.ts`: the folder a provider or an example may import within freely. */
function homeOf(file: string): string {
  return file.split(path.sep).slice(0, 2).join('/');
}

/** Every module `file` imports or re-exports, statically, dynamically or for types only. */
function importsOf(file: string): string[] {
  return ts.preProcessFile(readFileSync(path.join(repoRoot, file), 'utf8'), true, true).importedFiles.map((imported) => imported.fileName);
}

/**
 * Those of `specifiers` (imported by `file`) that a package outside this repository could
 * not import: a module of src/, storage/, cloudinit/ or another provider that is no entry
 * point of the package, or anything else of the repository outside the file's own folder;
 * or an `envboot/…` subpath the package does not export.
 */
function nonPublicImports(file: string, specifiers: readonly string[], entries: ReturnType<typeof entryPoints>): string[] {
  return specifiers.flatMap((specifier) => {
    if (specifier === 'envboot' || specifier.startsWith('envboot/')) {
      return entries.some((entry) => entry.specifier === specifier) ? [] : [`${file}: ${specifier} (not exported)`];
    }
    if (!specifier.startsWith('.')) return [];
    const target = path.relative(repoRoot, path.resolve(path.join(repoRoot, path.dirname(file)), specifier)).split(path.sep).join('/');
    if (target.startsWith(`${homeOf(file)}/`)) return [];
    const module = target.replace(/\.(js|ts|mjs|mts)$/, '');
    return entries.some((entry) => entry.source === module) ? [] : [`${file}: ${specifier} (${target} is no entry point)`];
  });
}

describe('the package as providers see it', () => {
  it("providers and examples import only the package's entry points (what a provider outside this repository can)", () => {
    const entries = entryPoints();
    const files = [...sourcesUnder('providers'), ...sourcesUnder('examples')];
    assert.ok(files.length > 50 && files.some((file) => file.startsWith('examples')), 'the sources were found');
    assert.ok(files.some((file) => importsOf(file).some((specifier) => specifier.endsWith('/src/index.js'))), 'the imports were read');
    const offending = files.flatMap((file) => nonPublicImports(file, importsOf(file), entries));
    assert.deepEqual(offending, [], `import these from the package's entry points (${entries.map((entry) => entry.specifier).join(', ')}), or export what is missing from one`);
  });

  it('tells a provider importing an internal module from one importing an entry point', () => {
    const entries = entryPoints();
    assert.ok(entries.some((entry) => entry.specifier === 'envboot' && entry.source === 'src/index'));
    assert.ok(entries.some((entry) => entry.specifier === 'envboot/providers/ec2' && entry.source === 'providers/ec2/index'));
    const fake = (specifier: string): string[] => nonPublicImports(path.join('providers', 'ec2', 'config.ts'), [specifier], entries);
    assert.deepEqual(fake('../../src/index.js'), []);
    assert.deepEqual(fake('./config-checks.js'), []);
    assert.deepEqual(fake('../../storage/s3/index.js'), []);
    assert.deepEqual(fake('../local/index.js'), []);
    assert.equal(fake('../../src/util/edit-distance.js').length, 1);
    assert.equal(fake('../../storage/s3/s3-storage.js').length, 1);
    assert.equal(fake('../../cloudinit/script/shell-quote.js').length, 1);
    assert.equal(fake('../local/layout.js').length, 1);
    assert.equal(fake('../../test/helpers/temp-dir.js').length, 1);
    assert.equal(fake('envboot/src/util/edit-distance.js').length, 1);
    assert.deepEqual(fake('envboot/provider-config'), []);
  });

  it('loads no SSH, YAML, logging or cloud SDK module for a provider descriptor or envboot/provider-config', async () => {
    const dir = await tempDir('envboot-imports-');
    const hooks = path.join(buildRoot, 'test', 'helpers', 'record-imports.js');
    const modules = [
      path.join(buildRoot, 'src', 'provider-config', 'index.js'),
      ...readdirSync(path.join(buildRoot, 'providers')).map((name) => path.join(buildRoot, 'providers', name, 'descriptor.js')),
    ];
    for (const [index, module] of modules.entries()) {
      const file = path.join(dir, `${index}.txt`);
      const script = `const m = await import(${JSON.stringify(pathToFileURL(module).href)}); if (Object.keys(m).length === 0) process.exit(3);`;
      await run(process.execPath, ['--import', pathToFileURL(hooks).href, '--input-type=module', '-e', script], { env: { ...process.env, ENVBOOT_TEST_IMPORTS_FILE: file } });
      const loaded = readFileSync(file, 'utf8');
      assert.match(loaded, new RegExp(path.basename(module).replace('.', '\\.')), 'the recorder saw the imports');
      assert.doesNotMatch(loaded, /node_modules\/(ssh2|winston|js-yaml|@aws-sdk|commander)\//, path.relative(buildRoot, module));
    }
  });
});
