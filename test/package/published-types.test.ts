import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import ts from 'typescript';
import { tempDir } from '../helpers/temp-dir.js';
import { buildRoot, entryPoints, packageJson, repoRoot } from './package-layout.js';

/**
 * A project that depends on envboot as npm would install it: envboot's published
 * declarations (the `.d.ts` files of `package.json`'s `files`) in node_modules/envboot,
 * envboot's runtime dependencies beside it, and `@types/node`, which every TypeScript
 * project on Node has; none of envboot's dev dependencies (`@types/ssh2`, …). Its optional
 * peers (the AWS SDK) only with `peers`, as a project that uses ec2 installs them.
 */
function installedProject(dir: string, params: { peers: boolean } = { peers: false }): void {
  const pkg = packageJson();
  const envboot = path.join(dir, 'node_modules', 'envboot');
  mkdirSync(envboot, { recursive: true });
  writeFileSync(path.join(envboot, 'package.json'), JSON.stringify(pkg));
  for (const published of pkg.files.filter((entry) => entry.startsWith('dist/'))) {
    const from = path.join(buildRoot, published.slice('dist/'.length));
    for (const file of readdirSync(from, { recursive: true }).map(String).filter((name) => name.endsWith('.d.ts'))) {
      const to = path.join(envboot, published, file);
      mkdirSync(path.dirname(to), { recursive: true });
      copyFileSync(path.join(from, file), to);
    }
  }
  const peers = params.peers ? Object.keys(pkg.peerDependencies ?? {}) : [];
  for (const dependency of [...Object.keys(pkg.dependencies), ...peers, '@types/node']) {
    const to = path.join(dir, 'node_modules', dependency);
    mkdirSync(path.dirname(to), { recursive: true });
    symlinkSync(path.join(repoRoot, 'node_modules', dependency), to, 'dir');
  }
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'uses-envboot', type: 'module', private: true }));
}

/** The entry points that need the AWS SDK, an optional peer dependency. */
const needAwsSdk = new Set(['envboot/providers/ec2', 'envboot/storage/s3']);

/**
 * Imports every entry point (those that need the AWS SDK only with `aws`), and uses the
 * seams a library user implements: a logger, an SSH connection, and with `aws` an EC2 adapter.
 */
function consumerSource(params: { aws: boolean }): string {
  const entries = entryPoints().filter((entry) => params.aws || !needAwsSdk.has(entry.specifier));
  const everything = entries.map((entry, index) => `import * as entry${index} from '${entry.specifier}';\nexport { entry${index} };`);
  const ec2 = `
import { MemoryStorage } from 'envboot/storage';
import { createEc2Provider, type Ec2Adapter } from 'envboot/providers/ec2';
export function provider(ec2: Ec2Adapter) {
  return createEc2Provider({ services: () => Promise.resolve({ region: 'test-1', ec2, stateStorage: () => new MemoryStorage() }) });
}`;
  return `${everything.join('\n')}
import type { Logger, SshConnection } from 'envboot';
${params.aws ? ec2 : ''}
export const logger: Logger = { debug: () => undefined, info: (message) => console.info(message), warn: console.warn, error: console.error };
export async function kernel(connection: SshConnection): Promise<string> {
  const { stdout } = await connection.exec({ command: 'uname -r' });
  return stdout.toString('utf8').trim();
}
`;
}

function compile(dir: string, source: string): readonly ts.Diagnostic[] {
  const file = path.join(dir, 'index.ts');
  writeFileSync(file, source);
  const options: ts.CompilerOptions = {
    strict: true,
    exactOptionalPropertyTypes: true,
    noUncheckedIndexedAccess: true,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    lib: ['lib.es2023.d.ts'],
    types: ['node'],
    // Check the declarations themselves: with skipLibCheck, an import of a module without types would pass as `any`.
    skipLibCheck: false,
    noEmit: true,
  };
  return ts.getPreEmitDiagnostics(ts.createProgram({ rootNames: [file], options }));
}

function report(diagnostics: readonly ts.Diagnostic[], dir: string): string {
  return ts.formatDiagnostics(diagnostics, { getCanonicalFileName: (name) => name, getCurrentDirectory: () => dir, getNewLine: () => '\n' });
}

describe("envboot's published types", () => {
  it('compile in a strict project with only envboot, its runtime dependencies, @types/node and TypeScript installed', async () => {
    const dir = await tempDir('envboot-types-');
    installedProject(dir);
    const diagnostics = compile(dir, consumerSource({ aws: false }));
    assert.equal(diagnostics.length, 0, report(diagnostics, dir));
  });

  it('compile with the ec2 and S3 entry points too once the optional AWS SDK peers are installed', async () => {
    const pkg = packageJson();
    const peers = Object.keys(pkg.peerDependencies ?? {}).sort();
    assert.deepEqual(peers, ['@aws-sdk/client-ec2', '@aws-sdk/client-iam', '@aws-sdk/client-s3', '@aws-sdk/credential-providers', '@smithy/core', '@smithy/node-http-handler'], 'the AWS SDK (and the parts of it envboot imports) are optional peers, not dependencies');
    assert.deepEqual(peers.filter((name) => (pkg as { peerDependenciesMeta?: Record<string, { optional?: boolean }> }).peerDependenciesMeta?.[name]?.optional !== true), [], 'every peer is optional');
    assert.equal(Object.keys(pkg.dependencies).some((name) => name.startsWith('@aws-sdk/') || name.startsWith('@smithy/')), false);
    const dir = await tempDir('envboot-types-');
    installedProject(dir, { peers: true });
    const diagnostics = compile(dir, consumerSource({ aws: true }));
    assert.equal(diagnostics.length, 0, report(diagnostics, dir));
  });

  it('fail there when a published declaration needs a dev dependency (the check is real)', async () => {
    const dir = await tempDir('envboot-types-');
    installedProject(dir);
    // As a declaration that leaked ssh2's types would: ssh2 is installed, its types (@types/ssh2) are not.
    const leaky = path.join(dir, 'node_modules', 'envboot', 'dist', 'src', 'leaky.d.ts');
    writeFileSync(leaky, "import type { Client } from 'ssh2';\nexport declare function connect(): Client;\n");
    const diagnostics = compile(dir, "export type { connect } from './node_modules/envboot/dist/src/leaky.js';\n");
    assert.ok(diagnostics.some((diagnostic) => diagnostic.code === 7016 && diagnostic.file?.fileName === leaky), report(diagnostics, dir));
  });
});
